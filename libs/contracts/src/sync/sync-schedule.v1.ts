import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';
import { syncStreams } from './sync-run.v1.js';

/** Bounds on a stream's interval: a minute at least (providers' budgets), a week at most (nothing goes that stale). */
export const SYNC_INTERVAL_MIN_SECONDS = 60;
export const SYNC_INTERVAL_MAX_SECONDS = 604_800;

/** When one stream of one connection is pulled: created by its first sync, changed by an admin. */
export const syncScheduleView = z.object({
  connectionId: z.string(),
  stream: z.enum(syncStreams),
  intervalSeconds: z.number().int(),
  paused: z.boolean(),
  nextRunAt: z.iso.datetime(),
  lastSucceededAt: z.iso.datetime().nullable(),
});
export type SyncScheduleView = z.infer<typeof syncScheduleView>;

/** `sync.schedule.list.v1`: a tenant's schedules (one connection's with `connectionId`), by connection and stream. */
export const syncScheduleListRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64).optional(),
});
export const syncScheduleListResponse = z.object({ schedules: z.array(syncScheduleView) });
export const syncScheduleListContract = defineRequest(
  subjects.syncScheduleList,
  syncScheduleListRequest,
  syncScheduleListResponse,
);

/**
 * `sync.schedule.update.v1`: sets a stream's interval and/or pauses or resumes it (creating the schedule when the
 * stream was never synced); the next run is then one interval from now.
 */
export const syncScheduleUpdateRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
  stream: z.enum(syncStreams),
  intervalSeconds: z.number().int().min(SYNC_INTERVAL_MIN_SECONDS).max(SYNC_INTERVAL_MAX_SECONDS).optional(),
  paused: z.boolean().optional(),
});
export const syncScheduleUpdateContract = defineRequest(
  subjects.syncScheduleUpdate,
  syncScheduleUpdateRequest,
  syncScheduleView,
);
