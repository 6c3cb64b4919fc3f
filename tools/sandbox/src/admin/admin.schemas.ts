import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { FAULT_KINDS } from '../faults/faults.js';
import { PROVIDERS } from '../registry/registry.js';
import { COMPLIANCE_TOPICS, SHOPIFY_TOPICS } from '../shopify/shopify-subscriptions.js';
import { SHOP_PATTERN } from '../shopify/shopify.plugin.js';
import { SQUARE_EVENT_TYPES } from '../square/square-webhooks.routes.js';
import { WEBHOOK_PROVIDERS } from '../webhooks/webhook-signers.js';

const provider = z.enum(PROVIDERS);
const positiveInt = z.number().int().positive();

const appFields = z.object({
  provider,
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  webhookSignatureKey: z.string().min(1).optional(),
  redirectUris: z.array(z.string().url()).optional(),
  accessTokenTtlSeconds: positiveInt.optional(),
  refreshTokenTtlSeconds: positiveInt.optional(),
  personalAccessToken: z.string().min(1).optional(),
  webhookSubscriptions: z
    .array(
      z.object({
        url: z.string().url(),
        events: z.array(z.string().min(1)).min(1),
        name: z.string().min(1).optional(),
        apiVersion: z.string().min(1).optional(),
        enabled: z.boolean().optional(),
        signatureKey: z.string().min(1).optional(),
      }),
    )
    .optional(),
});

// Events an app's configured subscriptions may name: the provider's own (a typo would silently deliver nothing).
const KNOWN_EVENTS: Partial<Record<string, readonly string[]>> = {
  square: SQUARE_EVENT_TYPES,
  shopify: [...SHOPIFY_TOPICS, ...COMPLIANCE_TOPICS],
};

export const appSchema = appFields.superRefine((app, context) => {
  const known = KNOWN_EVENTS[app.provider];
  app.webhookSubscriptions?.forEach((subscription, k) => {
    const unknown = subscription.events.filter((e) => !known?.includes(e));
    if (unknown.length > 0)
      context.addIssue({
        code: 'custom',
        message: `unknown ${app.provider} events: ${unknown.join(', ')}`,
        path: ['webhookSubscriptions', k, 'events'],
      });
  });
});

export const accountSchema = z
  .object({
    provider,
    account: z.string().min(1),
    locations: z.number().int().min(1).max(1000).optional(),
    products: z.number().int().min(0).max(1_000_000).optional(),
    orders: z.number().int().min(0).max(10_000_000).optional(),
    deny: z.boolean().optional(),
    accessTokenTtlSeconds: positiveInt.optional(),
    bucket: z.object({ capacity: positiveInt, leakPerSecond: z.number().positive() }).optional(),
    timezoneOffsetMinutes: z.number().int().min(-720).max(840).optional(),
    tbaTokens: z.array(z.object({ tokenId: z.string().min(1), tokenSecret: z.string().min(1) })).optional(),
    productNames: z.array(z.string().min(1).max(255)).max(1000).optional(),
    issues: z.number().int().min(0).max(1_000_000).optional(),
    rateLimit: z
      .object({ requests: positiveInt, seconds: z.number().positive(), hourly: positiveInt.optional() })
      .optional(),
    concurrencyLimit: positiveInt.max(1000).optional(),
  })
  .refine((a) => a.provider !== 'shopify' || SHOP_PATTERN.test(a.account), {
    message: 'shop must match {name}.myshopify.com',
    path: ['account'],
  });

export const accountRefSchema = z.object({ provider, account: z.string().min(1) });

export const mutateSchema = accountRefSchema.extend({
  orders: z.number().int().min(0).optional(),
  products: z.number().int().min(0).optional(),
  newOrders: z.number().int().min(0).max(1000).optional(),
});

export const faultSchema = z.object({
  provider,
  account: z.string().min(1).optional(),
  kind: z.enum(FAULT_KINDS),
  count: z.number().int().optional(),
  ms: z.number().int().min(0).max(600_000).optional(),
  bytes: z.number().int().min(0).optional(),
  status: z.number().int().min(500).max(599).optional(),
  retryAfter: z.union([z.number().min(0), z.string().min(1)]).optional(),
  endpoint: z.string().min(1).optional(),
});

export const webhookSchema = z
  .object({
    provider: z.enum(WEBHOOK_PROVIDERS),
    targetUrl: z.string().url(),
    type: z.string().min(1).optional(),
    topic: z.string().min(1).optional(),
    payload: z.unknown().optional(),
    objectId: z.string().optional(),
    secret: z.string().min(1),
    notificationUrl: z.string().min(1).optional(),
    eventId: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    apiVersion: z.string().min(1).optional(),
    retries: z
      .object({
        max: z.number().int().min(0).max(50).optional(),
        timeoutMs: positiveInt.optional(),
        backoffMs: z.array(z.number().min(0)).min(1).optional(),
      })
      .optional(),
    sync: z.boolean().optional(),
  })
  .refine((w) => w.type !== undefined || w.topic !== undefined, {
    message: 'type or topic is required',
    path: ['type'],
  });

/** The config file SANDBOX_CONFIG points at: apps and accounts to register at start. */
export const configFileSchema = z.object({
  apps: z.array(appSchema).default([]),
  accounts: z.array(accountSchema).default([]),
});
export type SandboxConfigFile = z.infer<typeof configFileSchema>;

/** Parses a body with a schema, answering 400 with the issues when it does not fit. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, reply: FastifyReply): z.infer<T> | undefined {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  void reply.code(400).send({
    error: 'invalid_body',
    issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
  return undefined;
}
