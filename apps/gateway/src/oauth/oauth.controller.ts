import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { oauthCallbackContract } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALLBACK_TIMEOUT_MS, viaBus } from '../bus/bus-error.mapper.js';
import { HtmlPages, returnUrlWith } from '../console/html-pages.service.js';
import { rawQueryOf } from './raw-query.js';

/** The providers' OAuth redirect target; the raw query goes to auth-service untouched (Shopify signs it). */
@ApiTags('oauth')
@Controller('oauth')
export class OAuthController {
  constructor(
    private readonly nats: NatsClient,
    private readonly pages: HtmlPages,
  ) {}

  @Get('callback')
  @ApiOperation({
    summary: 'OAuth redirect: checks the state, exchanges the code, stores the credentials (HTML for browsers)',
  })
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const html = this.pages.wantsHtml(request.headers.accept);
    try {
      const result = await this.exchange(request);
      if (!html) return void reply.send({ result: 'connected', ...result });
      if (result.returnUrl !== undefined) return void reply.redirect(returnUrlWith(result.returnUrl, result), 303);
      this.pages.send(reply, 200, 'Connected', [
        { text: `${result.provider} (alias ${result.alias}) is connected; its status is ${result.status}.` },
        { text: `Connection id: ${result.connectionId}` },
        { text: 'Back to the console', href: '/console/#/connections' },
      ]);
    } catch (error) {
      if (!html) throw error;
      this.pages.sendError(reply, error, 'Not connected', { text: 'Back to the console', href: '/console/#/connect' });
    }
  }

  private async exchange(request: FastifyRequest) {
    const rawQuery = rawQueryOf(request);
    return viaBus(() => this.nats.request(oauthCallbackContract, { rawQuery }, CALLBACK_TIMEOUT_MS));
  }
}
