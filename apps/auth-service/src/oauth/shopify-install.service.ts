import { Injectable } from '@nestjs/common';
import { SHOP_PART, verifyShopifyCallbackHmac } from '@shelflink/providers';
import { Clock } from '@shelflink/runtime';
import { createHash } from 'node:crypto';
import { AuthConfig } from '../config/auth.config.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { OAuthService, rejected } from './oauth.service.js';

/** An install link older or newer than this is refused (a replayed link from a browser history or a log). */
const MAX_LINK_AGE_SECONDS = 300;
const TIMESTAMP = /^[0-9]{1,12}$/;

/** Shopify's app URL (`shop`, `timestamp`, `hmac`): verified, then an OAuth connect session for the install tenant. */
@Injectable()
export class ShopifyInstallService {
  constructor(
    private readonly config: AuthConfig,
    private readonly registry: ProviderRegistry,
    private readonly oauth: OAuthService,
    private readonly clock: Clock,
  ) {}

  async start(rawQuery: string): Promise<{ authorizeUrl: string }> {
    const tenantId = this.config.SHELFLINK_SHOPIFY_INSTALL_TENANT;
    const secret = this.registry.configured('shopify')?.clientSecret?.reveal();
    if (tenantId === undefined || secret === undefined)
      throw rejected('INSTALL_NOT_CONFIGURED', 'This deployment does not take installs from the Shopify admin');
    if (!verifyShopifyCallbackHmac(rawQuery, secret))
      throw rejected('INSTALL_HMAC_INVALID', 'The install link is not signed by Shopify');
    const query = new URLSearchParams(rawQuery);
    const timestamp = query.get('timestamp') ?? '';
    const age = Math.abs(this.clock.now() / 1000 - Number(timestamp));
    if (!TIMESTAMP.test(timestamp) || age > MAX_LINK_AGE_SECONDS)
      throw rejected('INSTALL_LINK_EXPIRED', 'The install link is too old; open the app from the Shopify admin again');
    const shop = query.get('shop') ?? '';
    if (!SHOP_PART.pattern.test(shop)) throw rejected('INSTALL_SHOP_INVALID', 'The shop is not a *.myshopify.com shop');
    return this.oauth.startSession({ tenantId, provider: 'shopify', alias: shopAlias(shop), shop });
  }
}

/** One alias per shop, so installing again reconnects the same connection: the handle, or a prefix and a hash. */
export function shopAlias(shop: string): string {
  const handle = shop.slice(0, -'.myshopify.com'.length);
  if (handle.length <= 32) return handle;
  return `${handle.slice(0, 23)}-${createHash('sha256').update(handle).digest('hex').slice(0, 8)}`;
}
