import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A consumer service's grants and the bcrypt hash of its NATS password (the password itself is never stored). */
@Entity({ name: 'consumer_services' })
export class ConsumerServiceEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_consumer_services' })
  name!: string;

  @Column({ type: 'text', array: true })
  tenants!: string[];

  @Column({ type: 'text', array: true })
  providers!: string[];

  @Column({ type: 'text', array: true })
  connections!: string[];

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
