import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A customer of Shelflink; every connection, key and event belongs to exactly one tenant. */
@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_tenants' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The URLs a connect flow may send the merchant back to (a return URL must start with one of them). */
  @Column({ name: 'connect_return_urls', type: 'jsonb', default: () => "'[]'" })
  connectReturnUrls!: string[];

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
