import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import { apiKeyPrefixId, generateApiKey, hashApiKey, verifyApiKey } from '@shelflink/crypto';
import { randomUUID } from 'node:crypto';
import { AuthConfig } from '../config/auth.config.js';
import { TenantRepository } from './tenant.repository.js';

/** Tenants and their admin API keys (stored hashed; a new key is shown once). */
@Injectable()
export class TenantService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TenantService.name);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly config: AuthConfig,
  ) {}

  /** Upserts the bootstrap tenant and key so a fresh install has an admin key without a manual step. */
  async onApplicationBootstrap(): Promise<void> {
    const tenantId = this.config.SHELFLINK_BOOTSTRAP_TENANT_ID;
    const apiKey = this.config.SHELFLINK_BOOTSTRAP_API_KEY;
    if (tenantId === undefined || apiKey === undefined) return;
    await this.tenants.upsertTenant(tenantId, tenantId);
    const prefixId = apiKeyPrefixId(apiKey) ?? '';
    await this.tenants.upsertApiKey({
      id: randomUUID(),
      tenantId,
      prefixId,
      hash: this.hash(apiKey),
      name: 'bootstrap',
    });
    this.logger.log(`bootstrap tenant ${tenantId} and its admin key (prefix ${prefixId}) are in place`);
  }

  async createTenant(tenantId: string, name?: string): Promise<boolean> {
    return this.tenants.upsertTenant(tenantId, name ?? tenantId);
  }

  async createApiKey(tenantId: string, name?: string): Promise<{ keyId: string; apiKey: string }> {
    if (!(await this.tenants.tenantExists(tenantId))) throw new BusError('NOT_FOUND', 'Unknown tenant');
    const generated = generateApiKey(this.config.SHELFLINK_API_KEY_PEPPER);
    const keyId = randomUUID();
    await this.tenants.upsertApiKey({
      id: keyId,
      tenantId,
      prefixId: generated.prefixId,
      hash: generated.hash,
      name: name ?? 'admin',
    });
    return { keyId, apiKey: generated.key };
  }

  async verify(apiKey: string): Promise<{ tenantId: string; keyId: string }> {
    const prefixId = apiKeyPrefixId(apiKey);
    const stored = prefixId === undefined ? undefined : await this.tenants.findActiveKeyByPrefix(prefixId);
    if (!stored || !verifyApiKey(apiKey, stored.hash, this.config.SHELFLINK_API_KEY_PEPPER)) {
      throw new BusError('UNAUTHENTICATED', 'Invalid or revoked API key');
    }
    return { tenantId: stored.tenantId, keyId: stored.id };
  }

  private hash(apiKey: string): string {
    return hashApiKey(apiKey, this.config.SHELFLINK_API_KEY_PEPPER);
  }
}
