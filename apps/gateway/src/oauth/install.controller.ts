import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { shopifyInstallContract } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BUS_TIMEOUT_MS, viaBus } from '../bus/bus-error.mapper.js';
import { HtmlPages } from '../console/html-pages.service.js';
import { rawQueryOf } from './raw-query.js';

/** Shopify's app URL: the merchant installs from the Shopify admin and lands in the OAuth flow. */
@ApiTags('oauth')
@Controller('install')
export class InstallController {
  constructor(
    private readonly nats: NatsClient,
    private readonly pages: HtmlPages,
  ) {}

  @Get('shopify')
  @ApiOperation({
    summary:
      "Shopify's app URL: verifies hmac and timestamp (5 minutes), then redirects into OAuth for the install tenant",
  })
  async shopify(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const rawQuery = rawQueryOf(request);
    try {
      const { authorizeUrl } = await viaBus(() =>
        this.nats.request(shopifyInstallContract, { rawQuery }, BUS_TIMEOUT_MS),
      );
      return reply.redirect(authorizeUrl, 302);
    } catch (error) {
      // Merchants arrive here in a browser, from the Shopify admin: they get a page, API clients JSON.
      if (!this.pages.wantsHtml(request.headers.accept)) throw error;
      this.pages.sendError(reply, error, 'Not installed', {
        text: 'Back to Shopify',
        href: 'https://admin.shopify.com',
      });
      return reply;
    }
  }
}
