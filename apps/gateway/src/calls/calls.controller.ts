import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { callStatusFilter, decodeCallsCursor } from '@shelflink/contracts';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { connectionIdParam, validate } from '../bus/bus-error.mapper.js';
import { ApiZodQuery } from '../openapi/zod-openapi.js';
import { CallsService } from './calls.service.js';

const listQuery = z
  .object({
    connectionId: connectionIdParam.optional(),
    status: z
      .string()
      .regex(callStatusFilter, 'must be a status (429), a class (5xx), error, network or refused')
      .optional(),
    since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .max(200)
      .transform((text, ctx) => {
        const cursor = decodeCallsCursor(text);
        if (cursor) return cursor;
        ctx.addIssue({ code: 'custom', message: 'must be the `next` of a previous page' });
        return z.NEVER;
      })
      .optional(),
  })
  .strict();

/** Admin: the outbound call log, every provider call attempt Shelflink made for the caller's tenant. */
@ApiTags('calls')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1/calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Provider call attempts, newest first: `{calls: [{id, at, connectionId, provider, caller, method, path, status, ' +
      'refusal?, durationMs, attempt, rateLimitWaitMs, breakerState}], next}`; an attempt Shelflink refused to send ' +
      'has status null and a `refusal` (BREAKER_OPEN, RATE_LIMIT_WAIT_TOO_LONG); pass `next` as `cursor` for the next page',
  })
  @ApiZodQuery(listQuery)
  list(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const { cursor, since, ...filters } = validate(listQuery, query);
    return this.calls.list({
      ...filters,
      tenantId: principal.tenantId,
      ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
      ...(cursor === undefined ? {} : { before: cursor }),
    });
  }
}
