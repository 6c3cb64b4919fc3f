import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/** `<service>.ping.v1`: an empty request; the reply names the instance that answered. */
export const pingRequest = z.object({}).strict();
export const pingResponse = z.object({
  service: z.string(),
  instanceId: z.string(),
  uptimeSeconds: z.number(),
});
export type PingResponse = z.infer<typeof pingResponse>;

export const pingContracts = {
  gateway: defineRequest(subjects.gatewayPing, pingRequest, pingResponse),
  'auth-service': defineRequest(subjects.authPing, pingRequest, pingResponse),
  'webhook-ingest': defineRequest(subjects.webhookPing, pingRequest, pingResponse),
  'sync-service': defineRequest(subjects.syncPing, pingRequest, pingResponse),
} as const;
