import { Injectable } from '@nestjs/common';
import {
  BusError,
  type connectPageCreateRequest,
  type ConnectPageProvider,
  type connectPageSubmitRequest,
  type connectPageSubmitResponse,
} from '@shelflink/contracts';
import { randomToken } from '@shelflink/crypto';
import { PROVIDER_CATALOG, type ProviderDefinition } from '@shelflink/providers';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { AuthConfig } from '../config/auth.config.js';
import { ConnectionLifecycleService } from '../connection-lifecycle/connection-lifecycle.service.js';
import { ConnectionService } from '../connection/connection.service.js';
import { OAuthService } from '../oauth/oauth.service.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { ReturnUrlsService } from '../tenant/return-urls.service.js';
import { ConnectPageRepository, type ConnectPageRecord } from './connect-page.repository.js';

type SubmitRequest = z.output<typeof connectPageSubmitRequest>;
type SubmitResponse = z.output<typeof connectPageSubmitResponse>;
const metadataNeeds = ['shop', 'accountId', 'region'] as const;

/**
 * The hosted Connect page: a retailer asks for a single-use, short-lived link; its merchant picks an allowed provider
 * and completes OAuth (the flow carries the return URL) or a credentials form (tested at once, kept only if it works).
 */
@Injectable()
export class ConnectPageService {
  constructor(
    private readonly config: AuthConfig,
    private readonly pages: ConnectPageRepository,
    private readonly registry: ProviderRegistry,
    private readonly returnUrls: ReturnUrlsService,
    private readonly oauth: OAuthService,
    private readonly connections: ConnectionService,
    private readonly lifecycle: ConnectionLifecycleService,
  ) {}

  async create(request: z.output<typeof connectPageCreateRequest>): Promise<{ connectUrl: string; expiresAt: string }> {
    await this.returnUrls.check(request.tenantId, request.returnUrl);
    for (const key of request.allowedProviders ?? []) this.offer(key);
    const token = randomToken(32);
    const expiresAt = await this.pages.insert(
      {
        id: pageId(token),
        tenantId: request.tenantId,
        alias: request.alias,
        allowedProviders: request.allowedProviders ?? null,
        returnUrl: request.returnUrl ?? null,
      },
      this.config.AUTH_OAUTH_STATE_TTL_SECONDS,
    );
    return { connectUrl: `${this.registry.publicBaseUrl}/connect/${token}`, expiresAt: expiresAt.toISOString() };
  }

  async view(token: string): Promise<{ providers: ConnectPageProvider[]; expiresAt: string }> {
    const page = await this.open(token);
    return { providers: this.providersOf(page), expiresAt: page.expiresAt.toISOString() };
  }

  async submit(request: SubmitRequest): Promise<SubmitResponse> {
    const page = await this.open(request.token);
    const offered = this.providersOf(page).find((provider) => provider.key === request.provider);
    if (!offered) throw new BusError('INVALID_REQUEST', 'This provider is not offered here', 'PROVIDER_NOT_ALLOWED');
    const metadata: Record<string, string> = {};
    for (const need of offered.needs) metadata[need] = request[need] ?? '';
    if (offered.kind === 'oauth') {
      const { authorizeUrl } = await this.oauth.startSession({
        tenantId: page.tenantId,
        provider: offered.key,
        alias: page.alias,
        metadata,
        ...(page.returnUrl === null ? {} : { returnUrl: page.returnUrl }),
      });
      await this.consume(page);
      return { authorizeUrl };
    }
    if (request.credentials?.type !== offered.kind)
      throw new BusError('INVALID_REQUEST', `credentials: ${offered.key} needs ${offered.kind}`, 'VALIDATION_FAILED');
    const credentials = request.credentials;
    const created = await this.connections.create({
      tenantId: page.tenantId,
      provider: offered.key,
      alias: page.alias,
      credentials,
      metadata,
    });
    const test = await this.lifecycle.test(page.tenantId, created.id, 'connect-page');
    if (!test.ok) {
      await this.lifecycle.disconnect(page.tenantId, created.id);
      throw new BusError(
        'INVALID_REQUEST',
        `${offered.displayName} did not accept these credentials`,
        'CREDENTIALS_REFUSED',
      );
    }
    await this.consume(page);
    return {
      connectionId: created.id,
      status: created.status,
      ...(page.returnUrl === null ? {} : { returnUrl: page.returnUrl }),
    };
  }

  private async open(token: string): Promise<ConnectPageRecord> {
    const page = await this.pages.find(pageId(token));
    if (!page) throw new BusError('NOT_FOUND', 'This connect link is not valid', 'CONNECT_PAGE_INVALID');
    if (page.consumedAt)
      throw new BusError('INVALID_REQUEST', 'This connect link was already used', 'CONNECT_PAGE_USED');
    if (page.expired)
      throw new BusError('INVALID_REQUEST', 'This connect link expired; ask for a new one', 'CONNECT_PAGE_EXPIRED');
    return page;
  }

  private async consume(page: ConnectPageRecord): Promise<void> {
    if (!(await this.pages.consume(page.id)))
      throw new BusError('INVALID_REQUEST', 'This connect link was already used', 'CONNECT_PAGE_USED');
  }

  /** The page's providers: the allowed ones, else every catalog provider this install can connect. */
  private providersOf(page: ConnectPageRecord): ConnectPageProvider[] {
    const keys = page.allowedProviders ?? Object.keys(PROVIDER_CATALOG);
    return keys.flatMap((key) => {
      try {
        return [this.offer(key)];
      } catch {
        return [];
      }
    });
  }

  /** How a provider is connected here: OAuth when an app is configured, else its key-based scheme. */
  private offer(key: string): ConnectPageProvider {
    const definition = this.registry.definition(key);
    const needs = metadataNeeds.filter((need) => need in definition.urlParts);
    const oauthReady =
      definition.auth.some((spec) => spec.mode === 'oauth2') && !!this.registry.configured(key)?.clientId;
    const kind = oauthReady ? 'oauth' : keyKind(definition);
    if (!kind)
      throw new BusError('INVALID_REQUEST', `${key} cannot be connected from the Connect page`, 'PROVIDER_NOT_ALLOWED');
    return { key, displayName: definition.displayName, kind, needs };
  }
}

function keyKind(definition: ProviderDefinition): ConnectPageProvider['kind'] | undefined {
  const modes = definition.auth.map((spec) => spec.mode);
  if (modes.includes('key-password-token')) return 'key-password';
  if (modes.includes('tba')) return 'tba';
  if (modes.includes('static-bearer')) return 'access-token';
  return undefined;
}

/** Links are stored as their SHA-256, so a database read never yields a usable link. */
function pageId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
