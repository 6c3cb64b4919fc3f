import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A customer of Shelflink; every connection, key and event belongs to exactly one tenant. */
@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
