import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/**
 * What an operator alert is about. A recovery is the same kind with `state: resolved`: a breaker that closes again is
 * `breaker_open` resolved, a reconnected connection is `needs_reauth` resolved.
 */
export const alertKinds = ['breaker_open', 'needs_reauth', 'dead_letters', 'stream_stale', 'error_rate'] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertStates = ['firing', 'resolved'] as const;
export type AlertState = (typeof alertStates)[number];

/** The JetStream stream of `ops.alert.v1` events, owned (created) by sync-service. */
export const opsAlertsStream = 'OPS_ALERTS';

/**
 * JetStream `ops.alert.v1`: one observation of a condition by one service. `id` is its `Nats-Msg-Id` (a republish of
 * the same observation is dropped); `kind` + `key` name the alert, so observations of one condition by several
 * replicas become one alert with a count. `cause` is a human message and never holds a secret.
 */
export const opsAlert = z.object({
  id: z.string().min(1).max(300),
  kind: z.enum(alertKinds),
  state: z.enum(alertStates),
  /** What it is about, unique within its kind: `square:ML123` (an account), `<connectionId>:orders` (a stream). */
  key: z.string().min(1).max(200),
  tenantId: z.string().min(1).max(64).optional(),
  connectionId: z.string().min(1).max(64).optional(),
  provider: z.string().min(1).max(64).optional(),
  cause: z.string().max(500),
  /** The service that observed it. */
  source: z.string().min(1).max(64),
  at: z.iso.datetime(),
});
export type OpsAlert = z.infer<typeof opsAlert>;

/** One alert as operators list it: the state of one (kind, key) over its observations. */
export const alertView = z.object({
  kind: z.enum(alertKinds),
  key: z.string(),
  state: z.enum(alertStates),
  tenantId: z.string().nullable(),
  connectionId: z.string().nullable(),
  provider: z.string().nullable(),
  lastCause: z.string(),
  /** Observations while it fired (one per firing event, every replica's). */
  count: z.number().int(),
  firingSince: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
});
export type AlertView = z.infer<typeof alertView>;

const alertListFilters = {
  state: z.enum(alertStates).optional(),
  kind: z.enum(alertKinds).optional(),
  limit: z.number().int().min(1).max(500).default(100),
};
const alertListResponse = z.object({ alerts: z.array(alertView) });

/** `sync.alerts.list.v1` (gateway): one tenant's alerts, most recently changed first. */
export const alertListRequest = z.object({ tenantId: z.string().min(1).max(64), ...alertListFilters });
export const alertListContract = defineRequest(subjects.syncAlertsList, alertListRequest, alertListResponse);

/** `sync.admin.alerts.list.v1` (operator CLI): every alert, those of no tenant (a provider account's) included. */
export const alertAdminListRequest = z.object({ tenantId: z.string().min(1).max(64).optional(), ...alertListFilters });
export const alertAdminListContract = defineRequest(
  subjects.syncAdminAlertsList,
  alertAdminListRequest,
  alertListResponse,
);
