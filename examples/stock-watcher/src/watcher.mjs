// stock-watcher: keeps `inventory` (one row per item and location) from Shelflink's record feed, and asks Square for a
// location's name with a token from Shelflink. The feed may deliver a change twice (after a crash or a redelivery):
// the envelope id is recorded in the same transaction as the effect, so each change is applied once.
import { ShelflinkClient } from '@shelflink/client';
import pg from 'pg';

const schema = `
  CREATE TABLE IF NOT EXISTS inventory (
    record_id text PRIMARY KEY,
    tenant_id text NOT NULL,
    item text NOT NULL,
    location text NOT NULL,
    quantity text NOT NULL,
    source_version bigint NOT NULL
  );
  CREATE TABLE IF NOT EXISTS applied_changes (change_id text PRIMARY KEY)`;

/** Starts watching; `stop()` ends the subscription and closes the database pool and NATS. */
export async function startWatcher({ credentials, databaseUrl, durableName = 'stock-watcher' }) {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await db.query(schema);
  const client = await ShelflinkClient.connect(credentials).catch(async (error) => {
    await db.end();
    throw error;
  });
  const subscription = await client.records
    .subscribe('inventory', (change) => apply(db, change), { durableName })
    .catch(async (error) => {
      await client.close();
      await db.end();
      throw error;
    });
  return {
    client,
    db,
    async stop() {
      await subscription.stop();
      await client.close();
      await db.end();
    },
  };
}

/** One change, once: the change id and the row in one transaction; an older version never overwrites a newer one. */
async function apply(db, change) {
  const { tenantId, recordId, sourceVersion, record } = change.payload;
  const tx = await db.connect();
  try {
    await tx.query('BEGIN');
    const fresh = await tx.query('INSERT INTO applied_changes VALUES ($1) ON CONFLICT DO NOTHING', [change.id]);
    if (fresh.rowCount === 1) {
      await tx.query(
        `INSERT INTO inventory VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (record_id) DO UPDATE SET quantity = EXCLUDED.quantity, source_version = EXCLUDED.source_version
         WHERE inventory.source_version <= EXCLUDED.source_version`,
        [
          recordId,
          tenantId,
          record.data.itemExternalId,
          record.data.locationExternalId,
          record.data.quantity,
          sourceVersion,
        ],
      );
    }
    await tx.query('COMMIT');
  } catch (error) {
    await tx.query('ROLLBACK');
    throw error; // the feed delivers it again later
  } finally {
    tx.release();
  }
}

/** A location's name (undefined when unknown), straight from Square's API with a token from Shelflink (retried once if Square refuses it). */
export async function squareLocationName(client, { tenantId, connectionId, squareBaseUrl, locationId }) {
  let token = await client.getToken(tenantId, connectionId);
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch(`${squareBaseUrl}/v2/locations`, {
      headers: token.headers,
    });
    if (response.status === 401 && attempt === 0) {
      token = await client.reportRefusedToken(tenantId, connectionId, token.accessToken);
      continue;
    }
    if (!response.ok) throw new Error(`Square answered ${response.status}`);
    const { locations = [] } = await response.json();
    return locations.find((location) => location.id === locationId)?.name;
  }
}
