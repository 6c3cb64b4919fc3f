import { Column, Entity, Index, Unique } from 'typeorm';
import { StoredDeliveryColumns } from '../received-event/stored-delivery.entity.js';

/**
 * An authentic app-level delivery that no active connection matched: kept with its provider account, in no tenant,
 * until an operator replays it to a connection or retention prunes it.
 */
@Entity({ name: 'unroutable_events' })
@Unique('UQ_unroutable_events_dedup', ['provider', 'accountKey', 'dedupKey'])
@Index('IDX_unroutable_events_received', ['receivedAt'])
export class UnroutableEventEntity extends StoredDeliveryColumns {
  @Column({ name: 'account_key', type: 'text' })
  accountKey!: string;

  @Column({ name: 'replayed_tenant_id', type: 'text', nullable: true })
  replayedTenantId!: string | null;

  @Column({ name: 'replayed_connection_id', type: 'text', nullable: true })
  replayedConnectionId!: string | null;

  @Column({ name: 'replayed_event_id', type: 'uuid', nullable: true })
  replayedEventId!: string | null;
}
