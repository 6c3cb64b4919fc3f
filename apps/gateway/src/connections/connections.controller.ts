import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  connectionAuditContract,
  connectionCreateContract,
  connectionCreateRequest,
  connectionDeleteContract,
  connectionGetContract,
  connectionListContract,
  connectionTestContract,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { BUS_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi.js';

const createBody = connectionCreateRequest.omit({ tenantId: true });
const listQuery = z.object({ provider: z.string().min(1).max(64).optional() });
const idParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a connection id');
const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'must be an entry id from nextBefore')
    .optional(),
});

/** Admin connection routes: create from non-OAuth credentials, list, inspect, audit, test, disconnect. Never secrets. */
@ApiTags('connections')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1/connections')
export class ConnectionsController {
  constructor(private readonly nats: NatsClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a connection from a static token, key + password, NetSuite TBA tokens, or none (webhooks only)',
  })
  @ApiZodBody(createBody)
  create(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: unknown) {
    const request = { ...validate(createBody, body), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(connectionCreateContract, request, BUS_TIMEOUT_MS));
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's connections with aliases and status" })
  @ApiZodQuery(listQuery)
  list(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const { provider } = validate(listQuery, query);
    return viaBus(() =>
      this.nats.request(
        connectionListContract,
        { tenantId: principal.tenantId, ...(provider ? { provider } : {}) },
        BUS_TIMEOUT_MS,
      ),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect one connection (never secrets)' })
  get(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string) {
    const connectionId = validate(idParam, id, 'id');
    return viaBus(() =>
      this.nats.request(connectionGetContract, { tenantId: principal.tenantId, connectionId }, BUS_TIMEOUT_MS),
    );
  }

  @Get(':id/audit')
  @ApiOperation({ summary: "The connection's credential events, newest first (page back with ?before=nextBefore)" })
  @ApiZodQuery(auditQuery)
  auditLog(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string, @Query() query: unknown) {
    const connectionId = validate(idParam, id, 'id');
    const page = validate(auditQuery, query);
    return viaBus(() =>
      this.nats.request(
        connectionAuditContract,
        { tenantId: principal.tenantId, connectionId, ...page },
        BUS_TIMEOUT_MS,
      ),
    );
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Disconnect: revoke at the provider where it can, then erase the secrets' })
  remove(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string) {
    const connectionId = validate(idParam, id, 'id');
    return viaBus(() =>
      this.nats.request(connectionDeleteContract, { tenantId: principal.tenantId, connectionId }, BUS_TIMEOUT_MS),
    );
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make one cheap authenticated call to the provider' })
  test(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string) {
    const connectionId = validate(idParam, id, 'id');
    return viaBus(() =>
      this.nats.request(connectionTestContract, { tenantId: principal.tenantId, connectionId }, BUS_TIMEOUT_MS),
    );
  }
}
