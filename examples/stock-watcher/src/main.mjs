// Runs the watcher: SHELFLINK_CREDENTIALS is the JSON `npx shelflink services add` printed, DATABASE_URL its own
// database. Stops on SIGINT/SIGTERM.
import { startWatcher } from './watcher.mjs';

const watcher = await startWatcher({
  credentials: process.env.SHELFLINK_CREDENTIALS,
  databaseUrl: process.env.DATABASE_URL,
});
console.log('stock-watcher: following the inventory feed');
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void watcher.stop());
