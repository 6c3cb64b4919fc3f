import { Injectable } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import { TenantRepository } from './tenant.repository.js';

/** Where a connect flow may send a merchant back: only under one of the URLs the tenant allowed. */
@Injectable()
export class ReturnUrlsService {
  constructor(private readonly tenants: TenantRepository) {}

  async set(tenantId: string, urls: string[]): Promise<{ returnUrls: string[] }> {
    const unique = [...new Set(urls)];
    if (!(await this.tenants.setReturnUrls(tenantId, unique))) throw new BusError('NOT_FOUND', 'Unknown tenant');
    return { returnUrls: unique };
  }

  /** Refuses (400 RETURN_URL_NOT_ALLOWED) a return URL outside the tenant's list; fails closed on an empty list. */
  async check(tenantId: string, returnUrl: string | undefined): Promise<void> {
    if (returnUrl === undefined) return;
    const allowed = (await this.tenants.returnUrls(tenantId)) ?? [];
    if (!allowed.some((prefix) => isUnder(returnUrl, prefix)))
      throw new BusError(
        'INVALID_REQUEST',
        "returnUrl must start with one of the tenant's return URLs (PUT /api/v1/tenant/connect-settings)",
        'RETURN_URL_NOT_ALLOWED',
      );
  }
}

/** `url` starts with `prefix` at a boundary, so https://shop.example never admits https://shop.example.evil.test. */
export function isUnder(url: string, prefix: string): boolean {
  if (!url.startsWith(prefix)) return false;
  const next = url.charAt(prefix.length);
  return next === '' || prefix.endsWith('/') || next === '/' || next === '?' || next === '#';
}
