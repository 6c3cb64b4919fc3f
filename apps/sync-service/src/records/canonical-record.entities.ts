import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** Columns every canonical record has besides its key (tenant_id, id): its source and the version that orders updates. */
abstract class CanonicalRecordColumns {
  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'external_id', type: 'text' })
  externalId!: string;

  @Column({ name: 'source_version', type: 'bigint' })
  sourceVersion!: string;

  @Column({ name: 'source_updated_at', type: 'timestamptz', nullable: true })
  sourceUpdatedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @Column({ name: 'synced_at', type: 'timestamptz' })
  syncedAt!: Date;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}

@Entity({ name: 'locations' })
@Unique('UQ_locations_source', ['connectionId', 'externalId'])
export class LocationRecordEntity extends CanonicalRecordColumns {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'PK_locations' })
  tenantId!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_locations' })
  id!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;
}

@Entity({ name: 'products' })
@Unique('UQ_products_source', ['connectionId', 'externalId'])
export class ProductRecordEntity extends CanonicalRecordColumns {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'PK_products' })
  tenantId!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_products' })
  id!: string;

  @Column({ type: 'text', nullable: true })
  title!: string | null;
}

@Entity({ name: 'inventory_levels' })
@Unique('UQ_inventory_levels_source', ['connectionId', 'externalId'])
export class InventoryLevelRecordEntity extends CanonicalRecordColumns {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'PK_inventory_levels' })
  tenantId!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_inventory_levels' })
  id!: string;

  @Column({ name: 'item_external_id', type: 'text' })
  itemExternalId!: string;

  @Column({ name: 'location_external_id', type: 'text' })
  locationExternalId!: string;

  /** Exact decimal string. */
  @Column({ type: 'text' })
  quantity!: string;
}

@Entity({ name: 'orders' })
@Unique('UQ_orders_source', ['connectionId', 'externalId'])
export class OrderRecordEntity extends CanonicalRecordColumns {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'PK_orders' })
  tenantId!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_orders' })
  id!: string;

  @Column({ name: 'location_external_id', type: 'text', nullable: true })
  locationExternalId!: string | null;

  @Column({ type: 'text', nullable: true })
  state!: string | null;

  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  /** Integer minor units. */
  @Column({ name: 'total_minor', type: 'bigint', nullable: true })
  totalMinor!: string | null;
}
