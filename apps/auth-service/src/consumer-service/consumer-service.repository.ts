import { Injectable } from '@nestjs/common';
import { BusError, type ConsumerServiceView } from '@shelflink/contracts';
import { isUniqueViolation, sqlRows } from '@shelflink/database';
import { DataSource } from 'typeorm';

interface Row {
  name: string;
  tenants: string[];
  providers: string[];
  connections: string[];
  password_hash: string;
  created_at: Date;
}

/** The consumer_services table. */
@Injectable()
export class ConsumerServiceRepository {
  constructor(private readonly db: DataSource) {}

  /** A taken name is CONFLICT; a tenant that does not exist is NOT_FOUND. */
  async insert(service: Omit<ConsumerServiceView, 'createdAt'>): Promise<ConsumerServiceView> {
    const known = await sqlRows<{ id: string }>(this.db, `SELECT id FROM auth.tenants WHERE id = ANY($1)`, [
      service.tenants,
    ]);
    const missing = service.tenants.filter((tenant) => !known.some((row) => row.id === tenant));
    if (missing.length > 0) throw new BusError('NOT_FOUND', `Tenant not found: ${missing.join(', ')}`);
    try {
      const rows = await sqlRows<Row>(
        this.db,
        `INSERT INTO auth.consumer_services (name, tenants, providers, connections, password_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [service.name, service.tenants, service.providers, service.connections, service.passwordHash],
      );
      return toView(rows[0] as Row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new BusError('CONFLICT', `Service ${service.name} exists: remove it first`);
      throw error;
    }
  }

  async list(): Promise<ConsumerServiceView[]> {
    const rows = await sqlRows<Row>(this.db, `SELECT * FROM auth.consumer_services ORDER BY name`);
    return rows.map(toView);
  }

  async find(name: string): Promise<ConsumerServiceView | undefined> {
    const rows = await sqlRows<Row>(this.db, `SELECT * FROM auth.consumer_services WHERE name = $1`, [name]);
    return rows[0] && toView(rows[0]);
  }

  async delete(name: string): Promise<boolean> {
    const rows = await sqlRows<Row>(this.db, `DELETE FROM auth.consumer_services WHERE name = $1 RETURNING name`, [
      name,
    ]);
    return rows.length > 0;
  }
}

function toView(row: Row): ConsumerServiceView {
  return {
    name: row.name,
    tenants: row.tenants,
    providers: row.providers,
    connections: row.connections,
    passwordHash: row.password_hash,
    createdAt: row.created_at.toISOString(),
  };
}
