import { api } from './api.js';

/** How the Connect page connects each catalog provider: OAuth (with the URL part it needs) or a credentials form. */
export interface ProviderChoice {
  id: string;
  provider: string;
  label: string;
  kind: 'oauth' | 'key-password' | 'access-token' | 'tba';
  /** Metadata the flow needs, asked for in the form. */
  needs: ('shop' | 'accountId' | 'region')[];
}

export const defaultChoice: ProviderChoice = {
  id: 'square',
  provider: 'square',
  label: 'Square',
  kind: 'oauth',
  needs: [],
};

export const providerChoices: ProviderChoice[] = [
  defaultChoice,
  { id: 'shopify', provider: 'shopify', label: 'Shopify', kind: 'oauth', needs: ['shop'] },
  { id: 'netsuite', provider: 'netsuite', label: 'NetSuite (OAuth 2.0)', kind: 'oauth', needs: ['accountId'] },
  { id: 'netsuite-tba', provider: 'netsuite', label: 'NetSuite (TBA tokens)', kind: 'tba', needs: ['accountId'] },
  { id: 'jira', provider: 'jira', label: 'Atlassian Jira', kind: 'oauth', needs: [] },
  { id: 'plytix', provider: 'plytix', label: 'Plytix (API key and password)', kind: 'key-password', needs: [] },
  { id: 'celigo', provider: 'celigo', label: 'Celigo (API token)', kind: 'access-token', needs: ['region'] },
];

export const metadataLabels: Record<ProviderChoice['needs'][number], [string, string]> = {
  shop: ['Shop domain', 'your-shop.myshopify.com'],
  accountId: ['Account id', 'e.g. 1234567 or 1234567_SB1'],
  region: ['Region', 'api or api.eu'],
};

/** Starts the provider's OAuth consent in this window; it comes back to the gateway's callback page. */
export async function startOAuth(body: Record<string, string>): Promise<void> {
  const { authorizeUrl } = await api<{ authorizeUrl: string }>('POST', '/api/v1/connect-sessions', body);
  window.location.assign(authorizeUrl);
}
