import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { alertKinds, alertListContract, alertStates } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { BUS_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodQuery } from '../openapi/zod-openapi.js';

const listQuery = z
  .object({
    state: z.enum(alertStates).optional(),
    kind: z.enum(alertKinds).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Operator alerts of the caller's tenant (a provider account's breaker, of no tenant, is the operator CLI's). */
@ApiTags('alerts')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1')
export class AlertsController {
  constructor(private readonly nats: NatsClient) {}

  @Get('alerts')
  @ApiOperation({
    summary: "The tenant's operator alerts, most recently changed first: kind, key, state, cause, count, since",
  })
  @ApiZodQuery(listQuery)
  list(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const request = { ...validate(listQuery, query), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(alertListContract, request, BUS_TIMEOUT_MS));
  }
}
