import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  deadLettersListContract,
  deadLettersRequeueContract,
  webhookEventGetContract,
  webhookEventReplayContract,
  webhookEventsListContract,
  webhookEventsReplayRangeContract,
  type RequestContract,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import type { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi.js';
import { deadLettersQuery, eventIdParam, listEventsQuery, replayRangeBody, requeueBody } from './webhook-events.dto.js';

/** Received webhook events of the caller's tenant: inspect, replay, and requeue dead letters (work done by webhook-ingest). */
@ApiTags('webhook-events')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1')
export class WebhookEventsController {
  constructor(private readonly nats: NatsClient) {}

  @Get('webhook-events')
  @ApiOperation({
    summary: 'List received webhook events (newest first; filter by connectionId, status; page with before)',
  })
  @ApiZodQuery(listEventsQuery)
  list(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    return this.call(webhookEventsListContract, {
      tenantId: principal.tenantId,
      ...validate(listEventsQuery, query),
    });
  }

  @Get('webhook-events/:id')
  @ApiOperation({ summary: 'One received event with its selected headers and raw body (base64)' })
  get(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string) {
    return this.call(webhookEventGetContract, {
      tenantId: principal.tenantId,
      eventId: validate(eventIdParam, id, 'id'),
    });
  }

  @Post('webhook-events/:id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Process one stored event again' })
  replay(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string) {
    return this.call(webhookEventReplayContract, {
      tenantId: principal.tenantId,
      eventId: validate(eventIdParam, id, 'id'),
    });
  }

  @Post('webhook-events/replay')
  @HttpCode(202)
  @ApiOperation({ summary: "Replay a connection's events received in [from, to)" })
  @ApiZodBody(replayRangeBody)
  replayRange(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: unknown) {
    return this.call(webhookEventsReplayRangeContract, {
      tenantId: principal.tenantId,
      ...validate(replayRangeBody, body),
    });
  }

  @Get('webhook-dead-letters')
  @ApiOperation({ summary: 'Events that failed processing MaxDeliver times, with their last error' })
  @ApiZodQuery(deadLettersQuery)
  deadLetters(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    return this.call(deadLettersListContract, { tenantId: principal.tenantId, ...validate(deadLettersQuery, query) });
  }

  @Post('webhook-dead-letters/requeue')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send dead letters (the given ids, or all) back to processing' })
  @ApiZodBody(requeueBody)
  requeue(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: unknown) {
    return this.call(deadLettersRequeueContract, { tenantId: principal.tenantId, ...validate(requeueBody, body) });
  }

  // webhook-ingest's refusals map like every other service's: 400, 404, 503 when it does not answer, 500 for its bugs.
  private call<Req extends z.ZodType, Res extends z.ZodType>(
    contract: RequestContract<Req, Res>,
    payload: z.input<Req>,
  ) {
    return viaBus(() => this.nats.request(contract, payload, 5_000));
  }
}
