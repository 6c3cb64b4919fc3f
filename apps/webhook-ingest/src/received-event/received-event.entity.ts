import { Column, Entity, Index, Unique } from 'typeorm';
import { StoredDeliveryColumns } from './stored-delivery.entity.js';

/** One webhook delivery as received: raw bytes, selected headers and the provider's dedup key, stored before the 2xx. */
@Entity({ name: 'received_events' })
@Unique('UQ_received_events_dedup', ['provider', 'connectionId', 'dedupKey'])
@Index('IDX_received_events_tenant', ['tenantId', 'connectionId', 'receivedAt'])
@Index('IDX_received_events_status', ['status', 'receivedAt'])
export class ReceivedEventEntity extends StoredDeliveryColumns {
  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ type: 'text', default: 'received' })
  status!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', default: 0 })
  generation!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;
}
