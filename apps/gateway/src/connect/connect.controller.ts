import { Body, Controller, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  connectPageCreateContract,
  connectPageCreateRequest,
  connectSessionCreateContract,
  connectSessionCreateRequest,
  connectSettingsPutContract,
  connectSettingsPutRequest,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { BUS_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodBody } from '../openapi/zod-openapi.js';

const oauthBody = connectSessionCreateRequest.omit({ tenantId: true });
const pageBody = connectPageCreateRequest.omit({ tenantId: true }).strict();
const settingsBody = connectSettingsPutRequest.omit({ tenantId: true }).strict();

/** Connect flows for the admin's tenant: a direct OAuth flow, or a hosted Connect page link for a merchant. */
@ApiTags('connect')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1')
export class ConnectController {
  constructor(private readonly nats: NatsClient) {}

  @Post('connect-sessions')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'With `provider`: start its OAuth flow (returns authorizeUrl). Without: a hosted Connect page link (returns ' +
      'connectUrl, single use, short-lived) offering `allowedProviders`. `returnUrl` must be under an allowed URL.',
  })
  @ApiZodBody(oauthBody)
  create(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: unknown) {
    const { tenantId } = principal;
    if (typeof body === 'object' && body !== null && 'provider' in body) {
      const request = { ...validate(oauthBody, body), tenantId };
      return viaBus(() => this.nats.request(connectSessionCreateContract, request, BUS_TIMEOUT_MS));
    }
    const request = { ...validate(pageBody, body), tenantId };
    return viaBus(() => this.nats.request(connectPageCreateContract, request, BUS_TIMEOUT_MS));
  }

  @Put('tenant/connect-settings')
  @ApiOperation({ summary: 'Set the URLs a connect flow may return the merchant to (a returnUrl must start with one)' })
  @ApiZodBody(settingsBody)
  settings(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: unknown) {
    const request = { ...validate(settingsBody, body), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(connectSettingsPutContract, request, BUS_TIMEOUT_MS));
  }
}
