import { ProviderCallError } from '@shelflink/resilience';
import type { JiraAlertTarget } from '../config/alert-targets.config.js';
import type { SyncConfig } from '../config/sync.config.js';
import type { AccountResolver } from '../provider/account.resolver.js';
import type { ProviderHttpClient, ProviderRequest } from '../provider/provider-http.client.js';
import type { DueDelivery } from './alert-delivery.repository.js';
import { DeliveryFailed } from './alert-delivery.errors.js';
import { deliveryLabel, JiraAlertSender } from './jira-alert.sender.js';

const SETTLE_MS = 45_000;
const target = { type: 'jira', name: 'jira', tenantId: 't', connectionId: 'c', projectKey: 'OPS', issueType: 'Task' };
const delivery = {
  id: '6f1c2a7e-0000-4000-8000-000000000001',
  target: 'jira',
  attempts: 0,
  payload: { type: 'alert.firing', data: { kind: 'breaker_open', key: 'square:A', cause: 'opened' } },
} as unknown as DueDelivery;

/** Jira as the sender sees it: the search's answer, then the create's. */
function jira(search: () => Promise<unknown>, create: () => Promise<unknown> = noCreate) {
  const requests: ProviderRequest[] = [];
  const http = {
    send: (_account: unknown, request: ProviderRequest) => {
      requests.push(request);
      return request.method === 'GET' ? search() : create();
    },
  } as unknown as ProviderHttpClient;
  const accounts = { resolve: () => Promise.resolve({}) } as unknown as AccountResolver;
  const config = { SYNC_ALERT_DELIVERY_TIMEOUT_MS: 5_000, SYNC_ALERT_JIRA_SETTLE_MS: SETTLE_MS } as SyncConfig;
  return { requests, sender: new JiraAlertSender(accounts, http, config) };
}

const found = (count: number) => () =>
  Promise.resolve({
    status: 200,
    text: JSON.stringify({ issues: Array.from({ length: count }, (_, i) => ({ id: i })) }),
  });
const noCreate = () => Promise.reject(new Error('must not create'));
const refusal = (status: number | undefined, notProcessed = false) =>
  new ProviderCallError({ code: status ? `HTTP_${status}` : 'ETIMEDOUT', status, transient: true, notProcessed });

describe('JiraAlertSender', () => {
  it('creates no second issue when its delivery label is already on one', async () => {
    const { requests, sender } = jira(found(1));
    await expect(sender.send(target as JiraAlertTarget, delivery)).resolves.toBeUndefined();
    expect(requests.map((request) => request.method)).toEqual(['GET']);
    const search = new URL(requests[0]?.path ?? '', 'https://jira.example');
    expect([search.pathname, search.searchParams.get('jql')]).toEqual([
      '/rest/api/3/search/jql',
      `labels = "${deliveryLabel(delivery.id)}"`,
    ]);
  });

  it('labels the issue it creates with its delivery', async () => {
    const { requests, sender } = jira(found(0), () => Promise.resolve({ status: 201, text: '{}' }));
    await sender.send(target as JiraAlertTarget, delivery);
    expect(requests[1]).toMatchObject({ method: 'POST', idempotent: false });
    expect(requests[1]?.body).toMatchObject({
      fields: { labels: expect.arrayContaining([deliveryLabel(delivery.id)]) },
    });
  });

  it.each([
    ['a 503', refusal(503), SETTLE_MS],
    ['a timeout', refusal(undefined), SETTLE_MS],
    ['a 400', refusal(400), 0],
    ['a refused connection', refusal(undefined, true), 0],
  ])('after %s on create, waits for search to settle only if Jira may hold the issue', async (_name, error, wait) => {
    const { sender } = jira(found(0), () => Promise.reject(error));
    const failed = await sender.send(target as JiraAlertTarget, delivery).catch((thrown: unknown) => thrown);
    expect(failed).toBeInstanceOf(DeliveryFailed);
    expect((failed as DeliveryFailed).retryNotBeforeMs).toBe(wait);
  });

  it('retries a failed search on the usual backoff: nothing was created', async () => {
    const { sender } = jira(() => Promise.reject(refusal(503)));
    await expect(sender.send(target as JiraAlertTarget, delivery)).rejects.toMatchObject({ retryNotBeforeMs: 0 });
  });
});
