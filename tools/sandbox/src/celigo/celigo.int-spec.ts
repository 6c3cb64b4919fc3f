import type { RunningSandbox } from '../sandbox.js';
import { admin, call, useSandbox, type JsonResponse } from '../sandbox.test-kit.js';

const auth = { authorization: 'Bearer celigo-token' };

describe('Celigo integrator.io sandbox', () => {
  const { clock, sandbox: running } = useSandbox({
    apps: [
      { provider: 'celigo', clientId: 'user-42', clientSecret: 'celigo-token' },
      { provider: 'celigo', clientId: 'user-7', clientSecret: 'small-token' },
    ],
    accounts: [{ provider: 'celigo', account: 'user-7', bucket: { capacity: 3, leakPerSecond: 1 } }],
  });
  let sandbox: RunningSandbox;
  beforeAll(() => void (sandbox = running()));

  async function exported(entity: string): Promise<unknown[]> {
    const res = await call(`${sandbox.url}/_admin/data/export?provider=celigo&account=user-42&entity=${entity}`);
    return res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
  }

  // Follows Link: <…>; rel="next" until it is absent.
  async function followLinks<T>(url: string): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let next: string | undefined = url;
    let pages = 0;
    while (next) {
      const page: JsonResponse<T[]> = await call<T[]>(next, { headers: auth });
      expect(page.status).toBe(200);
      items.push(...page.body);
      pages += 1;
      next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    return { items, pages };
  }

  it('validates the token and pages flows and jobs by the Link header', async () => {
    await expect(call(`${sandbox.url}/celigo/v1/tokenInfo`, { headers: auth })).resolves.toMatchObject({
      status: 200,
      body: { _userId: 'user-42', scope: '*' },
    });
    await expect(
      call(`${sandbox.url}/celigo/v1/flows`, { headers: { authorization: 'Bearer nope' } }),
    ).resolves.toMatchObject({
      status: 401,
    });
    const flows = await followLinks<{ _id: string }>(`${sandbox.url}/celigo/v1/flows?limit=7`);
    expect(flows.pages).toBe(5);
    expect(flows.items).toEqual(await exported('flows'));
    const flowId = flows.items[3]?._id ?? '';
    await expect(call(`${sandbox.url}/celigo/v1/flows/${flowId}`, { headers: auth })).resolves.toMatchObject({
      body: { _id: flowId },
    });
    await expect(call(`${sandbox.url}/celigo/v1/jobs`, { headers: auth })).resolves.toMatchObject({
      status: 400,
      body: { errors: [{ code: 'missing_required_field' }] },
    });
    const jobs = await followLinks<{ _flowId: string; createdAt: string }>(
      `${sandbox.url}/celigo/v1/jobs?_flowId=${flowId}&limit=15`,
    );
    expect(jobs.pages).toBe(3);
    expect(jobs.items).toHaveLength(40);
    expect(new Set(jobs.items.map((j) => j._flowId))).toEqual(new Set([flowId]));
    const times = jobs.items.map((j) => Date.parse(j.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('pages each step’s open errors by nextPageURL; all pages equal the export', async () => {
    const flows = (
      await call<{ _id: string; pageGenerators: { _exportId: string }[]; pageProcessors: { _importId: string }[] }[]>(
        `${sandbox.url}/celigo/v1/flows`,
        { headers: auth },
      )
    ).body;
    const all: unknown[] = [];
    let multiPage = 0;
    for (const flow of flows)
      for (const step of [flow.pageGenerators[0]?._exportId, flow.pageProcessors[0]?._importId]) {
        let next: string | undefined = `${sandbox.url}/celigo/v1/flows/${flow._id}/${step ?? ''}/errors`;
        let pages = 0;
        while (next) {
          const page: { status: number; body: { errors: unknown[]; nextPageURL?: string } } = await call(next, {
            headers: auth,
          });
          expect(page.status).toBe(200);
          all.push(...page.body.errors);
          next = page.body.nextPageURL;
          pages += 1;
        }
        if (pages > 1) multiPage += 1;
      }
    expect(multiPage).toBeGreaterThan(0);
    expect(all).toEqual(await exported('errors'));
    await expect(
      call(`${sandbox.url}/celigo/v1/flows/${flows[0]?._id ?? ''}/nope/errors`, { headers: auth }),
    ).resolves.toMatchObject({
      status: 404,
    });
  });

  it('answers 429 with Retry-After when the account’s bucket is empty, and injected faults', async () => {
    const small = { authorization: 'Bearer small-token' };
    for (let n = 0; n < 3; n++)
      await expect(call(`${sandbox.url}/celigo/v1/flows`, { headers: small })).resolves.toMatchObject({ status: 200 });
    const limited = await call(`${sandbox.url}/celigo/v1/flows`, { headers: small });
    expect([limited.status, limited.headers.get('retry-after'), limited.body]).toEqual([
      429,
      '1',
      { errors: [{ code: 'rate_limited', message: 'Too many requests' }] },
    ]);
    clock.advance(1000);
    await expect(call(`${sandbox.url}/celigo/v1/flows`, { headers: small })).resolves.toMatchObject({ status: 200 });
    await admin(sandbox.url, '/faults', { provider: 'celigo', account: 'user-42', kind: 'status429', retryAfter: 3 });
    const injected = await call(`${sandbox.url}/celigo/v1/flows`, { headers: auth });
    expect([injected.status, injected.headers.get('retry-after')]).toEqual([429, '3']);
    expect(sandbox.ledger({ provider: 'celigo', account: 'user-7' }).map((e) => e.status)).toEqual([
      200, 200, 200, 429, 200,
    ]);
  });
});
