import type { OpenAPIObject } from '@nestjs/swagger';

type PathItem = OpenAPIObject['paths'][string];

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookError' } } },
});

const providerParameter = {
  name: 'provider',
  in: 'path' as const,
  required: true,
  schema: { type: 'string' as const, pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
};
const connectionParameter = {
  name: 'connectionId',
  in: 'path' as const,
  required: true,
  schema: { type: 'string' as const, pattern: '^[A-Za-z0-9_-]{1,64}$' },
};

/** OpenAPI for the webhook routes, which are a Fastify plugin's (raw body) and so invisible to Nest. */
const webhookPathItem = (appLevel: boolean): PathItem => ({
  post: {
    tags: ['webhooks'],
    summary: appLevel
      ? "Receive an app-level webhook (Square's application subscription, Shopify's app configuration): verified with the app's secret, stored once per active connection of the account it names; an authentic delivery that matches none is 200 `unroutable`"
      : 'Receive one provider webhook for one connection (raw body kept byte for byte; 2xx only once durably stored)',
    parameters: appLevel ? [providerParameter] : [providerParameter, connectionParameter],
    requestBody: { required: false, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
    responses: {
      '200': {
        description: 'Stored (`accepted`) or a known duplicate (`duplicate`)',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                status: { type: 'string', enum: ['accepted', 'duplicate', 'unroutable'] },
                eventId: { type: 'string', format: 'uuid' },
                eventIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
              },
            },
          },
        },
      },
      '400': error('Malformed delivery (MALFORMED_BODY, MISSING_DEDUP_ID, MISSING_ACCOUNT_KEY)'),
      '401': error(
        'Bad or missing signature (MISSING_SIGNATURE, MALFORMED_SIGNATURE, BAD_SIGNATURE, TIMESTAMP_OUT_OF_TOLERANCE, MISSING_SECRET)',
      ),
      '403': error(
        "A Square or Shopify delivery naming another merchant or shop than the connection's (ACCOUNT_MISMATCH)",
      ),
      '404': error(
        'Unknown provider or connection, or no app-level route (UNKNOWN_PROVIDER, UNKNOWN_CONNECTION, NO_APP_ROUTE)',
      ),
      '413': error('Body over the size limit (PAYLOAD_TOO_LARGE)'),
      '415': error('A Content-Encoding was sent (UNSUPPORTED_CONTENT_ENCODING)'),
      '503': error('Not stored; retry later (UNAVAILABLE)'),
    },
  },
});

export const webhookRoutePathItem = webhookPathItem(false);
export const appWebhookRoutePathItem = webhookPathItem(true);

/** Adds the webhook routes and their error schema to a generated document. */
export function documentWebhookRoute(document: OpenAPIObject): void {
  document.paths['/webhooks/{provider}/{connectionId}'] = webhookRoutePathItem;
  document.paths['/webhooks/{provider}'] = appWebhookRoutePathItem;
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      WebhookError: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
          },
        },
      },
    },
  };
}
