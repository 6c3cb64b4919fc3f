import {
  adminKeysRotateContract,
  adminKeysStatusContract,
  authCachesClearContract,
  syncCachesClearContract,
} from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';

// How long `cache clear` waits for replicas' replies: every live one answers within milliseconds.
const GATHER_MS = 1_500;

/** auth-service's vault: master keys and the token cache. */
export const vaultCommands: readonly CommandSpec[] = [
  {
    name: 'keys status',
    summary: 'credential rows per master key id',
    details: 'Also the active key id and whether a rotation is running.',
    args: [],
    options: [],
    ...sends(adminKeysStatusContract, () => ({})),
  },
  {
    name: 'keys rotate',
    summary: 're-encrypt every row under the active key (background, resumable)',
    details: 'Answers at once with the counts per key; `keys status` follows the rotation.',
    args: [],
    options: [],
    ...sends(adminKeysRotateContract, () => ({})),
  },
  {
    name: 'cache clear',
    summary: 'clear the token caches of every auth-service and sync-service replica',
    details: `Every replica answers the broadcast; replies are gathered for ${GATHER_MS / 1_000} s and counted per service.`,
    args: [],
    options: [],
    contracts: [authCachesClearContract, syncCachesClearContract],
    async run(_input, bus) {
      const [auth, sync] = await Promise.all([
        bus.requestAll(authCachesClearContract, {}, GATHER_MS),
        bus.requestAll(syncCachesClearContract, {}, GATHER_MS),
      ]);
      return {
        output: { cleared: { 'auth-service': auth.length, 'sync-service': sync.length }, replicas: [...auth, ...sync] },
      };
    },
  },
];
