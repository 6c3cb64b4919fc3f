import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';

/** One webhook delivery as received: raw bytes and the provider's dedup key, stored before the 2xx. */
@Entity({ name: 'received_events' })
@Unique('UQ_received_events_dedup', ['provider', 'connectionId', 'dedupKey'])
export class ReceivedEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ name: 'dedup_key', type: 'text' })
  dedupKey!: string;

  @Column({ name: 'raw_body', type: 'bytea' })
  rawBody!: Buffer;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
