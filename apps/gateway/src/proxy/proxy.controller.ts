import { All, Controller, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  inboxPrefixFor,
  providerPageChunk,
  providerRequestContract,
  proxyMethods,
  type ProviderRequestRequest,
} from '@shelflink/contracts';
import { NatsClient, requestChunks } from '@shelflink/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { toHttpError, validate, viaBus } from '../bus/bus-error.mapper.js';

const idParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id');
const method = z.enum(proxyMethods);
/** Pagination is asked for with headers, so the provider's own query stays the caller's. */
const paginationHeaders = z.object({
  'shelflink-paginate': z.enum(['true', 'false']).optional(),
  'shelflink-max-pages': z.coerce.number().int().min(1).optional(),
  'shelflink-max-items': z.coerce.number().int().min(1).optional(),
});
// Above sync-service's own deadline (PROXY_DEADLINE_MS) so its answer, not this timeout, is what the caller sees.
const PROXY_TIMEOUT_MS = 65_000;
// Chunks (PROXY_CHUNK_ITEMS items each) sync-service may send ahead of the client: what one walk may queue here.
const CHUNK_WINDOW = 2;
const LINES_PER_WRITE = 50;
// The admin's own credentials and this route's options never travel on (sync-service allow-lists the rest).
const WITHHELD = /^(authorization|cookie|shelflink-)/i;
const ROUTE_PREFIX = /^\/api\/v1\/connections\/[^/]+\/proxy/;

/**
 * `ANY /api/v1/connections/{id}/proxy/{path}`: one provider API call for the admin's tenant, forwarded to
 * sync-service's proxy over NATS; the provider's status, headers and body are the response. With
 * `Shelflink-Paginate: true` every page is walked and the items stream back as NDJSON.
 */
@ApiTags('proxy')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1/connections')
export class ProxyController {
  constructor(private readonly nats: NatsClient) {}

  @All(':id/proxy/*')
  @ApiOperation({
    summary:
      "Call the provider's API for this connection (path relative to the catalog's API base), auth injected, under the account's shared rate budget, breaker and retries",
  })
  async proxy(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const payload = proxyPayload(principal.tenantId, validate(idParam, id, 'id'), request);
    if (payload.paginate) return this.stream(payload, reply);
    const answer = await viaBus(() => this.nats.request(providerRequestContract, payload, PROXY_TIMEOUT_MS));
    await reply
      .status(answer.status)
      .headers(answer.headers)
      .send(Buffer.from(answer.body, answer.bodyEncoding === 'base64' ? 'base64' : 'utf8'));
  }

  /**
   * NDJSON, one item a line, as chunks arrive; a failure before the first chunk is the usual error response. A chunk
   * is taken (credited back to sync-service) only once its lines are written, so a slow client holds the walk, not
   * this process's memory; a client that goes away cancels it.
   */
  private async stream(payload: ProviderRequestRequest, reply: FastifyReply): Promise<void> {
    const chunks = requestChunks(
      this.nats.connection,
      inboxPrefixFor('gateway'),
      providerRequestContract,
      providerRequestContract.subject,
      payload,
      providerPageChunk,
      PROXY_TIMEOUT_MS,
      CHUNK_WINDOW,
    );
    const first = await viaBus(() => chunks.next());
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'application/x-ndjson' });
    try {
      for (let next = first; !next.done; next = await chunks.next()) {
        if (!(await writeLines(out, next.value.items))) {
          await chunks.return();
          return;
        }
      }
    } catch (error) {
      // Headers are gone: the failure is the last line, in the one error shape.
      const { code, message } = toHttpError(error);
      out.write(`${JSON.stringify({ error: { code, message } })}\n`);
    }
    out.end();
  }
}

/**
 * One NDJSON line per item, a few dozen lines a write: no megabyte string per chunk for the heap to grow by. False
 * when the client went away.
 */
async function writeLines(out: ServerResponse, items: readonly unknown[]): Promise<boolean> {
  for (let at = 0; at < items.length; at += LINES_PER_WRITE) {
    const lines = items.slice(at, at + LINES_PER_WRITE).map((item) => `${JSON.stringify(item)}\n`);
    if (!(await written(out, lines.join('')))) return false;
  }
  return true;
}

/** Writes `lines`; resolves once the client took them (true), or false when it went away first. */
function written(out: ServerResponse, lines: string): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false);
  if (lines === '' || out.write(lines)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (taken: boolean) => () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(taken);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}

function proxyPayload(tenantId: string, connectionId: string, request: FastifyRequest): ProviderRequestRequest {
  const path = request.url.replace(ROUTE_PREFIX, '');
  const options = validate(paginationHeaders, request.headers, 'headers');
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && !WITHHELD.test(entry[0]),
    ),
  );
  return {
    tenantId,
    connectionId,
    method: validate(method, request.method, 'method'),
    path,
    headers,
    ...(request.body === undefined || request.body === null ? {} : { json: request.body }),
    ...(options['shelflink-paginate'] === 'true' ? { paginate: true } : {}),
    ...(options['shelflink-max-pages'] === undefined ? {} : { maxPages: options['shelflink-max-pages'] }),
    ...(options['shelflink-max-items'] === undefined ? {} : { maxItems: options['shelflink-max-items'] }),
  };
}
