import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A customer of Shelflink; every connection, key and event belongs to exactly one tenant. */
@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_tenants' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
