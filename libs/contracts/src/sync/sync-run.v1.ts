import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/** The canonical streams sync-service pulls. */
export const syncStreams = ['locations', 'products', 'inventory', 'orders'] as const;
export type SyncStreamName = (typeof syncStreams)[number];

export const syncRunStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type SyncRunStatus = (typeof syncRunStatuses)[number];

/** One sync run of one connection's stream, as admins watch it. */
export const syncRunView = z.object({
  id: z.string(),
  tenantId: z.string(),
  connectionId: z.string(),
  stream: z.enum(syncStreams),
  mode: z.enum(['incremental', 'full']),
  trigger: z.enum(['manual', 'schedule', 'event']),
  status: z.enum(syncRunStatuses),
  pages: z.number().int(),
  records: z.number().int(),
  changed: z.number().int(),
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  queuedAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
});
export type SyncRunView = z.infer<typeof syncRunView>;

/**
 * `sync.run.start.v1`: queue one run per requested stream (default: all the provider supports). `full` discards
 * the checkpoints first (a backfill). A stream that already has a queued or running run returns that run instead.
 */
export const syncRunStartRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
  streams: z.array(z.enum(syncStreams)).min(1).max(4).optional(),
  mode: z.enum(['incremental', 'full']).default('incremental'),
});
export const syncRunStartResponse = z.object({ runs: z.array(syncRunView) });
export const syncRunStartContract = defineRequest(subjects.syncRunStart, syncRunStartRequest, syncRunStartResponse);

/** `sync.run.list.v1`: a tenant's runs, newest first, keyset-paginated by `before` (a run id from the last page). */
export const syncRunListRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64).optional(),
  runId: z.string().min(1).max(64).optional(),
  status: z.enum(syncRunStatuses).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  before: z.string().max(64).optional(),
});
export const syncRunListResponse = z.object({ runs: z.array(syncRunView), nextBefore: z.string().nullable() });
export const syncRunListContract = defineRequest(subjects.syncRunList, syncRunListRequest, syncRunListResponse);

/** JetStream `sync.run.requested.v1` payload (message id = run id, so a republish is dropped). */
export const syncRunRequested = z.object({ runId: z.string(), tenantId: z.string(), connectionId: z.string() });
export type SyncRunRequested = z.infer<typeof syncRunRequested>;
