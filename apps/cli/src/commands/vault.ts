import { adminKeysRotateContract, adminKeysStatusContract, adminTokenCacheClearContract } from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';

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
    summary: 'clear the token cache of the answering auth-service replica',
    details: "Other replicas' caches expire on their own within seconds.",
    args: [],
    options: [],
    ...sends(adminTokenCacheClearContract, () => ({})),
  },
];
