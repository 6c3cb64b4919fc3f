import { Injectable } from '@nestjs/common';
import { findAuth } from '@shelflink/providers';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';

/** Post-connect hooks: Atlassian's accessible-resources gives the cloud id the API URLs need. */
@Injectable()
export class PostConnectClient {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly http: ProviderHttpClient,
  ) {}

  async run(provider: string, accessToken: string): Promise<Record<string, string>> {
    const spec = findAuth(this.registry.definition(provider), 'oauth2');
    if (spec?.postConnectHook !== 'atlassian-accessible-resources' || !spec.postConnectUrl) return {};
    const response = await this.http.send({
      method: 'GET',
      url: this.registry.url(provider, spec.postConnectUrl, {}),
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const first: unknown = Array.isArray(response.body) ? response.body[0] : undefined;
    const id = first && typeof first === 'object' ? (first as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? { cloudId: id } : {};
  }
}
