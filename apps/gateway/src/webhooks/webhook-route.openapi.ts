import type { OpenAPIObject } from '@nestjs/swagger';

type PathItem = OpenAPIObject['paths'][string];

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookError' } } },
});

/** OpenAPI for `POST /webhooks/{provider}/{connectionId}`, which is a Fastify plugin route (raw body) Nest cannot see. */
export const webhookRoutePathItem: PathItem = {
  post: {
    tags: ['webhooks'],
    summary: 'Receive one provider webhook (raw body kept byte for byte; 2xx only once durably stored)',
    parameters: [
      {
        name: 'provider',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
      },
      {
        name: 'connectionId',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
      },
    ],
    requestBody: { required: false, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
    responses: {
      '200': {
        description: 'Stored (`accepted`) or a known duplicate (`duplicate`)',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                status: { type: 'string', enum: ['accepted', 'duplicate'] },
                eventId: { type: 'string', format: 'uuid' },
              },
            },
          },
        },
      },
      '400': error('Malformed delivery (MALFORMED_BODY, MISSING_DEDUP_ID)'),
      '401': error(
        'Bad or missing signature (MISSING_SIGNATURE, MALFORMED_SIGNATURE, BAD_SIGNATURE, TIMESTAMP_OUT_OF_TOLERANCE, MISSING_SECRET)',
      ),
      '404': error('Unknown provider or connection (UNKNOWN_PROVIDER, UNKNOWN_CONNECTION)'),
      '413': error('Body over the size limit (PAYLOAD_TOO_LARGE)'),
      '415': error('A Content-Encoding was sent (UNSUPPORTED_CONTENT_ENCODING)'),
      '503': error('Not stored; retry later (UNAVAILABLE)'),
    },
  },
};

/** Adds the webhook route and its error schema to a generated document. */
export function documentWebhookRoute(document: OpenAPIObject): void {
  document.paths['/webhooks/{provider}/{connectionId}'] = webhookRoutePathItem;
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
