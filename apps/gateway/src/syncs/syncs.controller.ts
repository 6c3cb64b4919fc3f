import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  SYNC_INTERVAL_MAX_SECONDS,
  SYNC_INTERVAL_MIN_SECONDS,
  syncRunListContract,
  syncRunStartContract,
  syncRunStatuses,
  syncScheduleListContract,
  syncScheduleUpdateContract,
  syncStreams,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { HttpApiError } from '@shelflink/observability';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { BUS_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi.js';

const idParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id');
const startBody = z
  .object({
    streams: z.array(z.enum(syncStreams)).min(1).max(4).optional(),
    mode: z.enum(['incremental', 'full']).default('incremental'),
  })
  .strict();
const listQuery = z.object({
  connectionId: idParam.optional(),
  status: z.enum(syncRunStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: idParam.optional(),
});

const scheduleListQuery = z.object({ connectionId: idParam.optional() });
const streamParam = z.enum(syncStreams);
const scheduleBody = z
  .object({
    intervalSeconds: z.number().int().min(SYNC_INTERVAL_MIN_SECONDS).max(SYNC_INTERVAL_MAX_SECONDS).optional(),
    paused: z.boolean().optional(),
  })
  .strict()
  .refine((body) => body.intervalSeconds !== undefined || body.paused !== undefined, {
    message: 'set intervalSeconds, paused or both',
  });

/** Admin sync routes: start a sync now (incremental or a full backfill), watch runs, set schedules. */
@ApiTags('syncs')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1')
export class SyncsController {
  constructor(private readonly nats: NatsClient) {}

  @Post('connections/:id/syncs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a sync of a connection now: one run per stream (`mode: full` re-pulls everything)' })
  @ApiZodBody(startBody)
  start(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string, @Body() body: unknown) {
    const connectionId = validate(idParam, id, 'id');
    const request = { ...validate(startBody, body), tenantId: principal.tenantId, connectionId };
    return viaBus(() => this.nats.request(syncRunStartContract, request, BUS_TIMEOUT_MS));
  }

  @Get('sync-runs')
  @ApiOperation({ summary: 'List sync runs, newest first, with status, pages, records, errors and duration' })
  @ApiZodQuery(listQuery)
  list(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const request = { ...validate(listQuery, query), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(syncRunListContract, request, BUS_TIMEOUT_MS));
  }

  @Get('sync-schedules')
  @ApiOperation({ summary: "The tenant's sync schedules: interval, paused, next run and last success per stream" })
  @ApiZodQuery(scheduleListQuery)
  listSchedules(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const request = { ...validate(scheduleListQuery, query), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(syncScheduleListContract, request, BUS_TIMEOUT_MS));
  }

  @Patch('connections/:id/schedules/:stream')
  @ApiOperation({
    summary: "Set a stream's sync interval and/or pause or resume it; its next run is then one interval from now",
  })
  @ApiZodBody(scheduleBody)
  setSchedule(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id') id: string,
    @Param('stream') stream: string,
    @Body() body: unknown,
  ) {
    const request = {
      ...validate(scheduleBody, body),
      tenantId: principal.tenantId,
      connectionId: validate(idParam, id, 'id'),
      stream: validate(streamParam, stream, 'stream'),
    };
    return viaBus(() => this.nats.request(syncScheduleUpdateContract, request, BUS_TIMEOUT_MS));
  }

  @Get('sync-runs/:id')
  @ApiOperation({ summary: 'One sync run, with its progress while it runs' })
  async get(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string) {
    const runId = validate(idParam, id, 'id');
    const { runs } = await viaBus(() =>
      this.nats.request(syncRunListContract, { tenantId: principal.tenantId, runId, limit: 1 }, BUS_TIMEOUT_MS),
    );
    const run = runs[0];
    if (!run) throw new HttpApiError(404, 'NOT_FOUND', 'No such sync run');
    return run;
  }
}
