import { Column, CreateDateColumn, PrimaryColumn } from 'typeorm';

/** The columns every stored form of a verified delivery has (a connection's event, an unroutable one). */
export abstract class StoredDeliveryColumns {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'dedup_key', type: 'text' })
  dedupKey!: string;

  @Column({ name: 'provider_event_id', type: 'text', nullable: true })
  providerEventId!: string | null;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string | string[]>;

  @Column({ name: 'raw_body', type: 'bytea' })
  rawBody!: Buffer;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
