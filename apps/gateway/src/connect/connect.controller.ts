import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { connectSessionCreateContract, connectSessionCreateRequest } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-key.strategy.js';
import { BUS_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodBody } from '../openapi/zod-openapi.js';

const sessionBody = connectSessionCreateRequest.omit({ tenantId: true });

/** Starts OAuth 2.0 connect flows for the admin's tenant. */
@ApiTags('connect')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1/connect-sessions')
export class ConnectController {
  constructor(private readonly nats: NatsClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Start an OAuth flow: returns the authorize URL (state + PKCE, single use, short-lived)' })
  @ApiZodBody(sessionBody)
  create(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: unknown) {
    const request = { ...validate(sessionBody, body), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(connectSessionCreateContract, request, BUS_TIMEOUT_MS));
  }
}
