import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpApiError } from '@shelflink/observability';
import { selectWebhookHeaders } from './webhook-headers.js';
import type { WebhookForwarder } from './webhook-forwarder.service.js';

export const webhookRoutePath = '/webhooks/:provider/:connectionId';
/** App-level subscriptions (Square per application, Shopify app configuration): routed by the account key. */
export const appWebhookRoutePath = '/webhooks/:provider';

interface WebhookParams {
  Params: { provider: string; connectionId?: string };
}

export interface WebhookIntakeOptions {
  forwarder: WebhookForwarder;
  bodyLimitBytes: number;
  /** Base of the URL providers were given (PUBLIC_BASE_URL); else taken from the request. */
  publicBaseUrl?: string;
}

/**
 * An encapsulated Fastify plugin: in its scope every content type is read as a Buffer (byte for byte, never parsed),
 * bodies over the limit are 413, and any Content-Encoding is refused before the body is read (no inflating).
 * Admin routes outside this scope keep Fastify's JSON parsing.
 */
export function webhookIntakePlugin(options: WebhookIntakeOptions) {
  return async (scope: FastifyInstance): Promise<void> => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes }, (_request, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, request, reply) => sendError(request, reply, toApiError(error)));
    const routeOptions = {
      bodyLimit: options.bodyLimitBytes,
      onRequest: async (request: FastifyRequest) => {
        const encoding = request.headers['content-encoding'];
        if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
          throw new HttpApiError(415, 'UNSUPPORTED_CONTENT_ENCODING', 'Send the body without Content-Encoding');
        }
      },
    };
    const handler = async (request: FastifyRequest<WebhookParams>, reply: FastifyReply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const answer = await options.forwarder.forward({
        provider: request.params.provider,
        ...(request.params.connectionId !== undefined ? { connectionId: request.params.connectionId } : {}),
        headers: selectWebhookHeaders(request.raw.rawHeaders),
        rawBody,
        publicUrl: `${options.publicBaseUrl ?? `${request.protocol}://${request.host}`}${request.url}`,
      });
      return reply.status(answer.status).send(answer.body);
    };
    scope.post<WebhookParams>(webhookRoutePath, routeOptions, handler);
    scope.post<WebhookParams>(appWebhookRoutePath, routeOptions, handler);
  };
}

function toApiError(error: FastifyError | HttpApiError): HttpApiError {
  if (error instanceof HttpApiError) return error;
  if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new HttpApiError(413, 'PAYLOAD_TOO_LARGE', 'The body exceeds the size limit');
  }
  if (error.statusCode !== undefined && error.statusCode < 500)
    return new HttpApiError(400, 'BAD_REQUEST', 'Malformed request');
  return new HttpApiError(503, 'UNAVAILABLE', 'The event could not be stored right now; retry later');
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: HttpApiError): FastifyReply {
  return reply
    .status(error.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ error: { code: error.code, message: error.message, requestId: request.id } });
}
