import { decodeStandardWebhookSecret, isLoopbackHost } from '@shelflink/providers';
import { alertKinds } from '@shelflink/contracts';
import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _');
const kinds = z.array(z.enum(alertKinds)).min(1).optional();

/** Plain http only for a receiver on this machine (development, tests); anything else must be https. */
const endpointUrl = z
  .string()
  .url()
  .refine((text) => {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  }, 'must be https (http only for a loopback host)');

const webhookTarget = z
  .object({
    type: z.literal('webhook'),
    name,
    url: endpointUrl,
    secret: z
      .string()
      .refine((secret) => secret.startsWith('whsec_') && decodeStandardWebhookSecret(secret) !== undefined, {
        message: 'must be whsec_<base64>',
      }),
    kinds,
  })
  .strict();

const jiraTarget = z
  .object({
    type: z.literal('jira'),
    name,
    tenantId: z.string().min(1).max(64),
    connectionId: z.string().min(1).max(64),
    projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'a Jira project key'),
    issueType: z.string().min(1).max(60).default('Task'),
    kinds,
  })
  .strict();

export const alertTarget = z.discriminatedUnion('type', [webhookTarget, jiraTarget]);
export type AlertTarget = z.output<typeof alertTarget>;
export type WebhookAlertTarget = Extract<AlertTarget, { type: 'webhook' }>;
export type JiraAlertTarget = Extract<AlertTarget, { type: 'jira' }>;

/** `SYNC_ALERT_TARGETS`: a JSON array of targets with unique names; the message never repeats a secret. */
export const alertTargets = z
  .string()
  .default('[]')
  .transform((text, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of alert targets' });
      return z.NEVER;
    }
    const parsed = z.array(alertTarget).max(20).safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      ctx.addIssue({ code: 'custom', message: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` });
      return z.NEVER;
    }
    const names = parsed.data.map((target) => target.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: 'custom', message: 'target names must be unique' });
      return z.NEVER;
    }
    return parsed.data;
  });
