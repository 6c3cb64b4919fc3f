// Against a running Shelflink (the repo's scripts/example-test.mjs brings one up): the watcher fills its inventory
// table from the feed, each change once, and reads a location's name from Square with a token from Shelflink.
// SHELFLINK_CREDENTIALS, DATABASE_URL (empty database), TENANT_ID, CONNECTION_ID, SQUARE_BASE_URL, LOCATION_ID,
// EXPECTED_INVENTORY (how many inventory records the tenant has).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { squareLocationName, startWatcher } from '../src/watcher.mjs';

const env = (name) => process.env[name] ?? assert.fail(`${name} is not set`);

test('keeps the inventory from the feed and calls Square with a token from Shelflink', async () => {
  const watcher = await startWatcher({ credentials: env('SHELFLINK_CREDENTIALS'), databaseUrl: env('DATABASE_URL') });
  try {
    const expected = Number(env('EXPECTED_INVENTORY'));
    const deadline = Date.now() + 60_000;
    let rows = 0;
    while (rows < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = Number((await watcher.db.query('SELECT count(*) AS n FROM inventory')).rows[0].n);
    }
    assert.equal(rows, expected);
    const applied = Number((await watcher.db.query('SELECT count(*) AS n FROM applied_changes')).rows[0].n);
    assert.equal(applied, expected, 'one applied change per inventory record: no change applied twice');
    const name = await squareLocationName(watcher.client, {
      tenantId: env('TENANT_ID'),
      connectionId: env('CONNECTION_ID'),
      squareBaseUrl: env('SQUARE_BASE_URL'),
      locationId: env('LOCATION_ID'),
    });
    assert.equal(typeof name, 'string');
    assert.ok(name.length > 0);
  } finally {
    await watcher.stop();
  }
});
