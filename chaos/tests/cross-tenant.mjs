// Cross-tenant isolation and outbound-URL checks over the admin API (T16, T25): tenant B cannot read, test or delete
// tenant A's connection (answers are indistinguishable from "not found"), a service asking for A's token under B's
// tenant id gets NOT_FOUND, and hostile shop / account ids are refused without any outbound request.
import { connect } from '@nats-io/transport-node';
import { request } from '../lib/traffic.mjs';

export const name = 'cross-tenant and outbound URLs';

async function natsRequest(system, user, subject, payload) {
  const nc = await connect({
    servers: system.nats.url,
    user,
    pass: system.nats.password(user),
    inboxPrefix: `_INBOX_${user.replace(/-/g, '_')}`,
  });
  try {
    return (await nc.request(subject, JSON.stringify(payload), { timeout: 5_000 })).json();
  } finally {
    await nc.close();
  }
}

async function tenantWithKey(system, tenantId) {
  await natsRequest(system, 'operator', 'auth.admin.tenant.create.v1', { tenantId });
  const created = await natsRequest(system, 'operator', 'auth.admin.apikey.create.v1', { tenantId, name: 'chaos' });
  if (!created.apiKey) throw new Error(`no API key for ${tenantId}: ${JSON.stringify(created).slice(0, 200)}`);
  return created.apiKey;
}

const json = (key) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const codeOf = (body) => {
  try {
    return JSON.parse(body).error?.code;
  } catch {
    return undefined;
  }
};

export async function run({ system, canaries, rng }) {
  const gateway = `${system.url('gateway')}/api/v1/connections`;
  const suffix = rng.hex(3);
  const keyA = await tenantWithKey(system, `chaos-a-${suffix}`);
  const keyB = await tenantWithKey(system, `chaos-b-${suffix}`);
  const createdA = await request(gateway, {
    method: 'POST',
    headers: json(keyA),
    body: JSON.stringify({
      provider: 'shopify',
      alias: 'prod',
      credentials: { type: 'access-token', accessToken: canaries.accessToken },
      metadata: { shop: `chaos-a-${suffix}.myshopify.com` },
    }),
  });
  if (createdA.status !== 201)
    throw new Error(`tenant A could not create a connection: ${createdA.status} ${createdA.body.slice(0, 200)}`);
  const idA = JSON.parse(createdA.body).id;
  const details = [`tenant A created connection ${idA}`];
  const auth = { authorization: `Bearer ${keyB}` };
  const probes = [
    ['GET by id', '', 'GET'],
    ['POST test', '/test', 'POST'],
    ['DELETE', '', 'DELETE'],
  ];
  let crossReads = 0;
  for (const [what, path, method] of probes) {
    const r = await request(`${gateway}/${idA}${path}`, { method, headers: auth });
    // The same request for an id that exists nowhere: the answers must be indistinguishable.
    const missing = await request(`${gateway}/missing-${suffix}${path}`, { method, headers: auth });
    const same = r.status === missing.status && codeOf(r.body) === codeOf(missing.body);
    if ((typeof r.status === 'number' && r.status < 300) || !same) crossReads += 1;
    details.push(
      `tenant B ${what} of A's connection → ${r.status} ${codeOf(r.body) ?? ''}${same ? ' (same as a missing id)' : ` (a missing id gives ${missing.status} ${codeOf(missing.body)})`}`,
    );
  }
  const listB = await request(gateway, { headers: auth });
  if (listB.body.includes(idA)) crossReads += 1;
  details.push(
    `tenant B list → ${listB.status}, ${listB.body.includes(idA) ? 'CONTAINS' : 'does not contain'} A's connection`,
  );
  const token = await natsRequest(system, 'sync-service', 'auth.token.get.v1', {
    tenantId: `chaos-b-${suffix}`,
    connectionId: idA,
  });
  const tokenCode = token.error?.code;
  if (!token.error) crossReads += 1;
  details.push(`auth.token.get.v1 for A's connection under tenant B → ${tokenCode ?? 'A TOKEN'}`);
  const outbound = await hostileUrls(system, gateway, keyA, suffix);
  const pass = crossReads === 0 && outbound.accepted === 0 && outbound.evilRequests === 0 && tokenCode === 'NOT_FOUND';
  return {
    injected: `tenant B reads, tests and deletes tenant A's connection; a service asks for A's token as B; ${outbound.sent} hostile shop/account ids`,
    requests: probes.length + 2 + outbound.sent,
    ok: probes.length + 2 + outbound.sent - crossReads - outbound.accepted,
    lost: 0,
    unknown: 0,
    duplicated: 0,
    pass,
    crossTenantReads: crossReads,
    details: [...details, `cross-tenant reads: ${crossReads}`, ...outbound.details],
  };
}

async function hostileUrls(system, gateway, key, suffix) {
  const before = system.providers.ledger.length;
  const cases = [
    {
      provider: 'shopify',
      credentials: { type: 'access-token', accessToken: 'x' },
      metadata: { shop: 'evil.com#.myshopify.com' },
    },
    {
      provider: 'shopify',
      credentials: { type: 'access-token', accessToken: 'x' },
      metadata: { shop: 'evil.com/.myshopify.com' },
    },
    {
      provider: 'shopify',
      credentials: { type: 'access-token', accessToken: 'x' },
      metadata: { shop: `a@evil.com?.myshopify.com` },
    },
    {
      provider: 'netsuite',
      credentials: { type: 'tba', consumerKey: 'k', consumerSecret: 's', tokenId: 't', tokenSecret: 'u' },
      metadata: { accountId: 'x.evil.com/' },
    },
  ];
  const details = [];
  let accepted = 0;
  for (const [i, c] of cases.entries()) {
    const r = await request(gateway, {
      method: 'POST',
      headers: json(key),
      body: JSON.stringify({ ...c, alias: `evil${i}-${suffix}` }),
    });
    if (typeof r.status !== 'number' || r.status < 400 || r.status >= 500) accepted += 1;
    details.push(`create ${c.provider} with ${JSON.stringify(c.metadata)} → ${r.status} ${codeOf(r.body) ?? ''}`);
  }
  const evil = system.providers.ledger.slice(before).filter((entry) => /evil/i.test(`${entry.url} ${entry.host}`));
  details.push(`outbound requests mentioning the hostile host: ${evil.length}`);
  return { sent: cases.length, accepted, evilRequests: evil.length, details };
}
