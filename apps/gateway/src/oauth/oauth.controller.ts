import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { oauthCallbackContract } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import type { FastifyRequest } from 'fastify';
import { CALLBACK_TIMEOUT_MS, viaBus } from '../bus/bus-error.mapper.js';
import { rawQueryOf } from './raw-query.js';

/** The providers' OAuth redirect target; the raw query goes to auth-service untouched (Shopify signs it). */
@ApiTags('oauth')
@Controller('oauth')
export class OAuthController {
  constructor(private readonly nats: NatsClient) {}

  @Get('callback')
  @ApiOperation({ summary: 'OAuth redirect: checks the state, exchanges the code, stores the credentials' })
  async callback(@Req() request: FastifyRequest) {
    const rawQuery = rawQueryOf(request);
    const result = await viaBus(() => this.nats.request(oauthCallbackContract, { rawQuery }, CALLBACK_TIMEOUT_MS));
    return { result: 'connected', ...result };
  }
}
