import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  connectPageGetContract,
  connectPageSubmitContract,
  connectPageSubmitRequest,
  connectPageToken,
  type ConnectPageProvider,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { HttpApiError } from '@shelflink/observability';
import type { FastifyReply } from 'fastify';
import { BUS_TIMEOUT_MS, CALLBACK_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';
import { HtmlPages, returnUrlWith, type FormField } from '../console/html-pages.service.js';

const needLabels: Record<ConnectPageProvider['needs'][number], [string, string]> = {
  shop: ['Shop domain', 'your-shop.myshopify.com'],
  accountId: ['Account id', 'e.g. 1234567 or 1234567_SB1'],
  region: ['Region', 'api or api.eu'],
};
const secretFields: Record<Exclude<ConnectPageProvider['kind'], 'oauth'>, [string, string][]> = {
  'key-password': [
    ['apiKey', 'API key'],
    ['password', 'API password'],
  ],
  'access-token': [['accessToken', 'API token']],
  tba: [
    ['consumerKey', 'Consumer key'],
    ['consumerSecret', 'Consumer secret'],
    ['tokenId', 'Token id'],
    ['tokenSecret', 'Token secret'],
  ],
};
// Refusals the merchant can fix on the same form; any other refusal ends on an error page.
const fixable = new Set(['CREDENTIALS_REFUSED', 'VALIDATION_FAILED', 'BAD_REQUEST']);

/**
 * The hosted Connect page a retailer's merchant opens from a single-use link: plain server-rendered HTML (no script),
 * pick a provider, then OAuth consent or a credentials form; the outcome goes back to the retailer's return URL.
 */
@ApiTags('connect')
@Controller('connect/:token')
export class ConnectPageController {
  constructor(
    private readonly nats: NatsClient,
    private readonly pages: HtmlPages,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The hosted Connect page (HTML): the providers this link offers, or one provider’s form' })
  async show(@Param('token') token: string, @Query('provider') chosen: string | undefined, @Res() reply: FastifyReply) {
    try {
      const view = await this.view(token);
      const only = view.providers.length === 1 ? view.providers[0] : undefined;
      const provider = view.providers.find((offered) => offered.key === chosen) ?? only;
      if (provider) return this.form(reply, token, provider, 200);
      this.pages.send(reply, 200, 'Connect your account', [
        { text: 'Choose the system to connect:' },
        ...view.providers.map((offered) => ({ text: offered.displayName, href: `?provider=${offered.key}` })),
      ]);
    } catch (error) {
      this.failed(reply, error);
    }
  }

  @Post()
  @ApiOperation({ summary: 'The Connect page form (urlencoded): starts OAuth or stores and tests the credentials' })
  async submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, string | undefined>;
    let provider: ConnectPageProvider | undefined;
    try {
      provider = (await this.view(token)).providers.find((offered) => offered.key === form.provider);
      if (!provider) throw new HttpApiError(400, 'PROVIDER_NOT_ALLOWED', 'Choose one of the offered providers');
      const request = validate(connectPageSubmitRequest, {
        token,
        provider: provider.key,
        ...Object.fromEntries(provider.needs.map((need) => [need, form[need] ?? ''])),
        ...(provider.kind === 'oauth' ? {} : { credentials: credentialsOf(provider.kind, form) }),
      });
      const result = await viaBus(() => this.nats.request(connectPageSubmitContract, request, CALLBACK_TIMEOUT_MS));
      if (result.authorizeUrl !== undefined)
        return this.pages.continueTo(
          reply,
          result.authorizeUrl,
          'Continue',
          `On to ${provider.displayName} to approve access.`,
        );
      const outcome = { connectionId: result.connectionId ?? '', status: result.status ?? '' };
      if (result.returnUrl !== undefined)
        return this.pages.continueTo(reply, returnUrlWith(result.returnUrl, outcome), 'Connected', 'Taking you back.');
      this.pages.send(reply, 200, 'Connected', [
        { text: `${provider.displayName} is connected; you can close this page.` },
      ]);
    } catch (error) {
      if (provider && error instanceof HttpApiError && fixable.has(error.code))
        return this.form(reply, token, provider, error.status, `${error.code}: ${error.message}`, form);
      this.failed(reply, error);
    }
  }

  private view(token: string) {
    const checked = validate(connectPageToken, token, 'token');
    return viaBus(() => this.nats.request(connectPageGetContract, { token: checked }, BUS_TIMEOUT_MS));
  }

  private form(
    reply: FastifyReply,
    token: string,
    provider: ConnectPageProvider,
    status: number,
    error?: string,
    previous: Record<string, string | undefined> = {},
  ): void {
    const fields: FormField[] = [{ name: 'provider', label: '', type: 'hidden', value: provider.key }];
    for (const need of provider.needs) {
      const [label, hint] = needLabels[need];
      fields.push({ name: need, label, hint, value: previous[need] ?? '' });
    }
    if (provider.kind !== 'oauth')
      for (const [name, label] of secretFields[provider.kind]) fields.push({ name, label, type: 'password' });
    const submit = provider.kind === 'oauth' ? `Continue to ${provider.displayName}` : 'Connect';
    this.pages.send(reply, status, `Connect ${provider.displayName}`, [
      ...(error ? [{ error }] : []),
      { form: { action: `/connect/${encodeURIComponent(token)}`, fields, submit } },
    ]);
  }

  private failed(reply: FastifyReply, error: unknown): void {
    if (!(error instanceof HttpApiError)) throw error;
    this.pages.send(reply, error.status, 'Cannot connect', [
      { text: error.message },
      { text: `Error code: ${error.code}` },
    ]);
  }
}

function credentialsOf(kind: Exclude<ConnectPageProvider['kind'], 'oauth'>, form: Record<string, string | undefined>) {
  return { type: kind, ...Object.fromEntries(secretFields[kind].map(([name]) => [name, form[name] ?? ''])) };
}
