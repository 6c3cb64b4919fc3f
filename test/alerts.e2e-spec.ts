import { opsAlertsStream, type OpsAlert } from '@shelflink/contracts';
import {
  eventually,
  startService,
  startWebhookReceiver,
  streamMessages,
  type ServiceProcess,
  type WebhookReceiver,
} from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { addFault, clearFaults, SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import {
  completeOAuth,
  connectSquareMerchant,
  startAuthStack,
  syncServiceEnv,
  type AuthStack,
} from './auth-harness.js';
import { operatorCli } from './operator-cli.js';
import { createTenant, postSquare } from './routing-harness.js';
import { fastIngestEnv } from './webhook-harness.js';

const SECRET = `whsec_${Buffer.from(`alerts-e2e-${randomUUID()}`).toString('base64')}`;
const MERCHANT = 'MALERTS1';
const REAUTH_MERCHANT = 'MALERTS2';
const JIRA_SITE = 'alerts-ops';
const JIRA_SETTLE_MS = 2000;

interface JiraIssue {
  key: string;
  fields: { summary: string; labels: string[] };
}

interface Delivery {
  type: string;
  data: { kind: string; key: string; state: string; tenantId: string | null; cause: string; count: number };
}

// Operator alerts end to end: real services, Postgres, NATS with the repository's permissions, the sandbox. A breaker
// that opens on the sandbox's 503s is announced on OPS_ALERTS, delivered to an HTTP endpoint signed as the
// `standardwebhooks` library verifies, and opens a Jira issue in the Jira sandbox; its close is announced once. A Jira
// create whose answer is lost is retried without opening a second issue.
describe('operator alerts (e2e)', () => {
  let stack: AuthStack;
  let receiver: WebhookReceiver;
  const services: ServiceProcess[] = [];
  let squareConnection = '';

  /** Every delivery the endpoint accepted, verified with the reference library (a bad signature throws). */
  const deliveries = (kind: string, key?: string): Delivery[] =>
    receiver.requests
      .filter((request) => request.status === 200)
      .map((request) => new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>) as Delivery)
      .filter((delivery) => delivery.data.kind === kind && (key === undefined || delivery.data.key === key));
  const published = async (kind: string, key: string): Promise<OpsAlert[]> => {
    const connection = await stack.nats.connectAs('sync-service');
    try {
      const alerts = await streamMessages<OpsAlert>(connection, opsAlertsStream);
      return alerts.filter((alert) => alert.kind === kind && alert.key === key);
    } finally {
      await connection.close();
    }
  };
  const startSync = (connectionId: string) =>
    stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, { streams: ['orders'] });
  const sandboxAdmin = (path: string, body: unknown) =>
    fetch(`${stack.sandbox.url}/_admin${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** The Jira site's issues with this summary, as the sandbox holds them. */
  const jiraIssues = async (summary: string): Promise<JiraIssue[]> => {
    const url = `${stack.sandbox.url}/_admin/data/export?provider=atlassian&account=${JIRA_SITE}&entity=issues`;
    const lines = (await (await fetch(url)).text()).split('\n').filter((line) => line.trim() !== '');
    return lines.map((line) => JSON.parse(line) as JiraIssue).filter((issue) => issue.fields.summary === summary);
  };
  const jiraDelivery = async (key: string) => {
    const { rows } = await stack.sql.query(
      `SELECT id, status, attempts FROM sync.alert_deliveries WHERE target = 'jira-ops' AND key = $1`,
      [key],
    );
    return rows as { id: string; status: string; attempts: number }[];
  };
  const jiraCalls = (endpoint: string, sinceSeq: number) =>
    stack.sandbox.ledger({ endpoint, account: JIRA_SITE }).filter((entry) => entry.seq > sinceSeq);
  const connectByOAuth = async (provider: string, alias: string, account: string) => {
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider, alias });
    const url = new URL(session.body.authorizeUrl);
    url.searchParams.set('sandbox_account', account);
    const connected = await completeOAuth(stack, url.toString());
    if (!connected.body.connectionId) throw new Error(`connecting ${provider}: ${JSON.stringify(connected.body)}`);
    return connected.body.connectionId;
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'alerts24_e2e_alerts' });
    stack.sandbox.registerApp(SQUARE_APP); // mints the static token of the breaker's merchant
    stack.sandbox.registerApp({
      provider: 'atlassian',
      clientId: 'sandbox-atlassian-client',
      clientSecret: 'sandbox-atlassian-secret',
    });
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 1, products: 2, orders: 20 });
    stack.sandbox.registerAccount({
      provider: 'square',
      account: REAUTH_MERCHANT,
      locations: 1,
      products: 2,
      orders: 2,
    });
    squareConnection = await connectSquareMerchant(stack, MERCHANT, 'alerts');
    const jiraConnection = await connectByOAuth('jira', 'ops', JIRA_SITE);
    receiver = await startWebhookReceiver();
    const targets = [
      { type: 'webhook', name: 'ops', url: receiver.url, secret: SECRET },
      {
        type: 'jira',
        name: 'jira-ops',
        tenantId: stack.tenantId,
        connectionId: jiraConnection,
        projectKey: 'OPS',
        issueType: 'Task',
        kinds: ['breaker_open', 'stream_stale'],
      },
    ];
    const database = { DATABASE_URL: stack.database.url };
    services.push(
      await startService('webhook-ingest', {
        ...stack.nats.envFor('webhook-ingest'),
        ...database,
        ...fastIngestEnv,
        WEBHOOK_ALERT_DEAD_LETTERS_INTERVAL_MS: '300',
      }),
      await startService(
        'sync-service',
        syncServiceEnv(stack, {
          SYNC_RETRY_BASE_MS: '20',
          SYNC_RETRY_MAX_DELAY_MS: '200',
          SYNC_BREAKER_VOLUME: '3',
          SYNC_BREAKER_RESET_MS: '2000',
          SYNC_ALERT_RESOLVE_HOLD_MS: '2000',
          SYNC_ALERT_TICK_MS: '200',
          SYNC_ALERT_DELIVERY_BASE_MS: '100',
          SYNC_ALERT_JIRA_SETTLE_MS: String(JIRA_SETTLE_MS),
          SYNC_ALERT_TARGETS: JSON.stringify(targets),
          SYNC_ALERT_ERROR_RATE_MIN_CALLS: '5',
          SYNC_STALENESS_METRICS_INTERVAL_MS: '300',
        }),
      ),
    );
  });

  afterAll(async () => {
    await clearFaults(stack.sandbox.url).catch(() => undefined);
    await Promise.all(services.map((service) => service.stop()));
    await receiver?.close();
    await stack?.close();
  });

  it('announces a breaker that opens on 503s, delivers it signed and to Jira, and its close exactly once', async () => {
    const key = `square:${MERCHANT}`;
    // Ten seconds of 503s. Syncs keep coming: the breaker opens, and each half-open probe fails and reopens it.
    const outageEnds = Date.now() + 10_000;
    await addFault(stack.sandbox.url, {
      provider: 'square',
      account: MERCHANT,
      kind: 'status5xx',
      status: 503,
      count: 0,
    });
    await eventually(
      async () => {
        expect((await startSync(squareConnection)).status).toBe(202);
        return Date.now() >= outageEnds && deliveries('breaker_open', key).length > 0;
      },
      40_000,
      500,
    );
    // Reopenings while it fired were counted, not announced again.
    expect(deliveries('breaker_open', key)).toEqual([
      { type: 'alert.firing', timestamp: expect.any(String), data: expect.objectContaining({ state: 'firing' }) },
    ]);
    const firing = await published('breaker_open', key);
    expect(firing[0]).toMatchObject({ state: 'firing', provider: 'square', source: 'sync-service' });
    expect(firing[0]?.cause).toContain('opened');
    // The same 503s crossed Square's error-rate threshold.
    expect(deliveries('error_rate', 'square')[0]?.data).toMatchObject({
      state: 'firing',
      cause: expect.stringContaining('%'),
    });

    // The Jira target opened one issue in the tenant's Jira site through its Atlassian connection, labelled with its
    // delivery after a search for that label found none.
    await eventually(async () => (await jiraDelivery(key))[0]?.status === 'delivered', 30_000);
    const [created, ...moreCreated] = jiraCalls('jira.issue.create', 0);
    expect(moreCreated).toEqual([]);
    expect(created).toMatchObject({ status: 201, created: expect.stringMatching(/^OPS-\d+$/) });
    expect(created?.path).toMatch(/\/rest\/api\/3\/issue$/);
    const [delivery] = await jiraDelivery(key);
    const issues = await jiraIssues(`[Shelflink] breaker_open: ${key}`);
    expect(issues).toEqual([
      expect.objectContaining({
        key: created?.created,
        fields: expect.objectContaining({ labels: expect.arrayContaining([`shelflink-delivery-${delivery?.id}`]) }),
      }),
    ]);
    expect(jiraCalls('jira.search', 0).filter((search) => search.seq < (created?.seq ?? 0))).toEqual([
      expect.objectContaining({ status: 200 }),
    ]);

    // The outage ends; syncs go on until a probe closes the breaker and the held resolution is announced.
    await clearFaults(stack.sandbox.url);
    await eventually(
      async () => {
        await startSync(squareConnection);
        return deliveries('breaker_open', key).some((delivery) => delivery.type === 'alert.resolved');
      },
      60_000,
      500,
    );
    // Another successful sync later changes nothing: the close was announced once, the fire once.
    const run = await startSync(squareConnection);
    const runId = (run.body as unknown as { runs: { id: string }[] }).runs[0]?.id;
    await eventually(async () => {
      const { body } = await stack.admin('GET', `/api/v1/sync-runs/${runId}`);
      return body.status === 'succeeded';
    }, 30_000);
    expect(deliveries('breaker_open', key).map((delivery) => delivery.type)).toEqual([
      'alert.firing',
      'alert.resolved',
    ]);
    const alerts = await operatorCli(stack.nats)(['alerts', 'list', '--kind', 'breaker_open']);
    expect(alerts.code).toBe(0);
    expect(JSON.parse(alerts.stdout)).toEqual({
      alerts: [expect.objectContaining({ key, state: 'resolved', resolvedAt: expect.any(String), tenantId: null })],
    });
    const [alert] = (JSON.parse(alerts.stdout) as { alerts: { count: number }[] }).alerts;
    expect(alert?.count).toBeGreaterThan(1);
    expect((await published('breaker_open', key)).length).toBeGreaterThan(2);
    const table = await operatorCli(stack.nats)(['alerts', 'list', '--state', 'resolved', '--format', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^state\s+kind\s+key/);
    expect(table.stdout).toContain(key);
  }, 180_000);

  it("announces a connection that needs a reconnect, to its tenant's admins only", async () => {
    const connectionId = await connectByOAuth('square', 'reauth', REAUTH_MERCHANT);
    // The merchant revokes the app at Square; the next token refresh is refused.
    expect((await sandboxAdmin('/tokens/revoke', { provider: 'square', account: REAUTH_MERCHANT })).ok).toBe(true);
    expect((await sandboxAdmin('/tokens/expire', { provider: 'square', account: REAUTH_MERCHANT })).ok).toBe(true);
    await startSync(connectionId);
    await eventually(() => deliveries('needs_reauth', connectionId).length > 0, 30_000);
    expect(deliveries('needs_reauth', connectionId)[0]?.data).toMatchObject({
      state: 'firing',
      tenantId: stack.tenantId,
      cause: expect.stringContaining('needs re-authorization'),
    });
    const mine = await stack.admin('GET', '/api/v1/alerts?kind=needs_reauth');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ alerts: [expect.objectContaining({ key: connectionId, state: 'firing' })] });
    // Reconnected: the recovery is announced once the hold has passed.
    expect(await connectByOAuth('square', 'reauth', REAUTH_MERCHANT)).toBe(connectionId);
    await eventually(() => deliveries('needs_reauth', connectionId).length === 2, 30_000);
    expect(deliveries('needs_reauth', connectionId).map((delivery) => delivery.type)).toEqual([
      'alert.firing',
      'alert.resolved',
    ]);
    const other = await createTenant(stack);
    expect((await stack.admin('GET', '/api/v1/alerts', undefined, other.apiKey)).body).toEqual({ alerts: [] });
    expect((await stack.admin('GET', '/api/v1/alerts?state=burning')).body.error.code).toBe('VALIDATION_FAILED');
  }, 60_000);

  it('announces a stream that stopped syncing, and its recovery once it syncs again', async () => {
    const key = `${squareConnection}:orders`;
    // Jira stores the issue, then answers 503: the retry must find it, not open a second one.
    const before = stack.sandbox.ledger().at(-1)?.seq ?? 0;
    await addFault(stack.sandbox.url, {
      provider: 'atlassian',
      account: JIRA_SITE,
      kind: 'status5xxAfter',
      endpoint: 'jira.issue.create',
    });
    // As if the last success were an hour ago on a one-minute schedule (the staleness rule: twice the interval).
    await stack.sql.query(
      `UPDATE sync.schedules SET interval_seconds = 60, last_succeeded_at = now() - interval '1 hour'
       WHERE connection_id = $1 AND stream = 'orders'`,
      [squareConnection],
    );
    await eventually(() => deliveries('stream_stale', key).length === 1, 30_000);
    expect(deliveries('stream_stale', key)[0]?.data).toMatchObject({ state: 'firing', tenantId: stack.tenantId });
    await eventually(async () => (await jiraDelivery(key))[0]?.status === 'delivered', 30_000);
    expect(await jiraDelivery(key)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2 })]);
    const [create, ...moreCreates] = jiraCalls('jira.issue.create', before);
    expect(moreCreates).toEqual([]);
    expect(create).toMatchObject({ status: 503, fault: 'status5xxAfter', created: expect.stringMatching(/^OPS-/) });
    expect(await jiraIssues(`[Shelflink] stream_stale: ${key}`)).toEqual([
      expect.objectContaining({ key: create?.created }),
    ]);
    // The retry waited for Jira's search to catch up before looking for the issue.
    const retrySearch = jiraCalls('jira.search', create?.seq ?? 0)[0];
    expect((retrySearch?.at ?? 0) - (create?.at ?? 0)).toBeGreaterThanOrEqual(JIRA_SETTLE_MS - 200);
    await startSync(squareConnection);
    await eventually(() => deliveries('stream_stale', key).length === 2, 30_000);
    expect(deliveries('stream_stale', key)[1]).toMatchObject({ type: 'alert.resolved' });
  }, 60_000);

  it('announces dead letters of a tenant', async () => {
    // A verified Square delivery that can never become a canonical event: dead after WEBHOOK_MAX_DELIVER attempts.
    const poison = JSON.stringify({
      merchant_id: MERCHANT,
      type: 'order.updated',
      event_id: randomUUID(),
      created_at: new Date().toISOString(),
      data: {},
    });
    const url = `${new URL(stack.gateway.url).origin}/webhooks/square`;
    expect((await postSquare(url, poison)).status).toBe(200);
    await eventually(() => deliveries('dead_letters', stack.tenantId).length > 0, 30_000);
    expect(deliveries('dead_letters', stack.tenantId)[0]?.data).toMatchObject({
      state: 'firing',
      tenantId: stack.tenantId,
      cause: expect.stringContaining('1 webhook event(s)'),
    });
    // No secret of the target reached a delivery or the alert states.
    expect(receiver.requests.some((request) => request.body.includes(SECRET))).toBe(false);
    const { rows } = await stack.sql.query(`SELECT payload::text AS payload FROM sync.alert_deliveries`);
    expect(rows.some((row) => String(row.payload).includes(SECRET))).toBe(false);
    expect(services.some((service) => service.output().includes(SECRET))).toBe(false);
  }, 60_000);
});
