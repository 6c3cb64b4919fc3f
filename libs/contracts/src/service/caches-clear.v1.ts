import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/** An empty request: every replica clears all of its caches of tokens and connections. */
export const cachesClearRequest = z.object({}).strict();
/** One replica's answer: which service, which process, and how many entries each of its caches held. */
export const cachesClearReply = z.object({
  service: z.enum(['auth-service', 'sync-service']),
  replica: z.string(),
  cleared: z.record(z.string(), z.number().int().min(0)),
});
export type CachesClearReply = z.infer<typeof cachesClearReply>;

/**
 * `auth.admin.caches.clear.v1` and `sync.admin.caches.clear.v1`: broadcasts (no queue group), so every replica of the
 * service answers; the caller gathers replies until a short timeout (`npx shelflink cache clear`).
 */
export const authCachesClearContract = defineRequest(
  subjects.authAdminCachesClear,
  cachesClearRequest,
  cachesClearReply,
);
export const syncCachesClearContract = defineRequest(
  subjects.syncAdminCachesClear,
  cachesClearRequest,
  cachesClearReply,
);
