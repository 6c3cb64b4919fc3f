// Bus authorization (T16, the parts that need no provider): the NATS server refuses what a user's permissions do not
// allow, a sniffer on another service's reply inbox receives nothing, and wrong credentials cannot connect.
import { connect } from '@nats-io/transport-node';

export const name = 'bus authorization';

const as = (system, user, inboxPrefix = `_INBOX_${user.replace(/-/g, '_')}`) =>
  connect({ servers: system.nats.url, user, pass: system.nats.password(user), inboxPrefix, reconnect: false });

async function refused(promise) {
  try {
    await promise;
    return { refused: false, why: 'answered' };
  } catch (error) {
    const message = String(error?.message ?? error);
    return { refused: /permission|authorization/i.test(message), why: message.slice(0, 120) };
  }
}

export async function run({ system }) {
  const checks = [];
  const gateway = await as(system, 'gateway');
  const operator = await as(system, 'operator');
  const sync = await as(system, 'sync-service');
  let sniffed = 0;
  const seen = [];
  const denied = new Set();
  const sniffers = [];
  try {
    for (const subject of [
      'auth.token.get.v1',
      'auth.internal.connection.lookup.v1',
      'auth.internal.webhook-secrets.get.v1',
      'auth.internal.connection.revoked-at-provider.v1',
      'auth.sign.tba.v1',
      'auth.admin.tenant.create.v1',
    ]) {
      checks.push({
        what: `gateway requests ${subject}`,
        ...(await refused(gateway.request(subject, '{}', { timeout: 2_000 }))),
      });
    }
    // sync-service looks connections up, but only webhook-ingest may say one was revoked at the provider.
    checks.push({
      what: 'sync-service requests auth.internal.connection.revoked-at-provider.v1',
      ...(await refused(sync.request('auth.internal.connection.revoked-at-provider.v1', '{}', { timeout: 2_000 }))),
    });
    checks.push({
      what: 'operator requests auth.token.get.v1',
      ...(await refused(operator.request('auth.token.get.v1', '{}', { timeout: 2_000 }))),
    });
    // Sniffers: another service's replies and the vault's request subjects, from users not allowed to read them.
    for (const { conn, subject } of [
      { conn: gateway, subject: '_INBOX_sync_service.>' },
      { conn: gateway, subject: 'auth.>' },
      { conn: operator, subject: '_INBOX_gateway.>' },
      { conn: gateway, subject: '>' },
    ]) {
      const sub = conn.subscribe(subject, {
        callback: (error, msg) => {
          // The server's permissions violation arrives as an error on the subscription, not as a message.
          if (error || !msg?.subject) return denied.add(subject);
          sniffed += 1;
          seen.push(`${subject} got ${msg.subject}`);
        },
      });
      sniffers.push({ conn, subject, sub });
    }
    await Promise.all([gateway.flush(), operator.flush()]).catch(() => {});
    // Traffic the sniffers would see if they could: sync-service asks for a token (its reply goes to its own inbox).
    const reply = await sync
      .request(
        'auth.token.get.v1',
        JSON.stringify({ tenantId: 'chaos', connectionId: '00000000-0000-4000-8000-000000000000' }),
        { timeout: 5_000 },
      )
      .then(
        (msg) => msg.string(),
        (error) => String(error?.message ?? error),
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const { subject } of sniffers)
      checks.push({
        what: `subscribe to ${subject}`,
        refused: denied.has(subject),
        why: denied.has(subject) ? 'permissions violation' : 'no error',
      });
    checks.push({
      what: `sniffers on ${sniffers.map((s) => s.subject).join(', ')} received ${sniffed} messages${seen.length ? ` [${[...new Set(seen)].join('; ')}]` : ''} (token request answered: ${reply.slice(0, 80)})`,
      refused: sniffed === 0,
    });
    const wrong = await connect({
      servers: system.nats.url,
      user: 'auth-service',
      pass: 'wrong-password',
      reconnect: false,
    }).then(
      async (nc) => {
        await nc.close();
        return { refused: false, why: 'connected' };
      },
      (error) => ({
        refused: /authorization/i.test(String(error?.message ?? error)),
        why: String(error?.message ?? error),
      }),
    );
    checks.push({ what: 'connect as auth-service with a wrong password', ...wrong });
    const anonymous = await connect({ servers: system.nats.url, reconnect: false }).then(
      async (nc) => {
        await nc.close();
        return { refused: false, why: 'connected' };
      },
      (error) => ({ refused: true, why: String(error?.message ?? error) }),
    );
    checks.push({ what: 'connect without credentials', ...anonymous });
  } finally {
    await Promise.all([gateway, operator, sync].map((c) => c.close().catch(() => {})));
  }
  const refusedCount = checks.filter((c) => c.refused).length;
  return {
    injected: `${checks.length} unauthorized bus operations (requests to vault-only subjects, sniffers on other inboxes, wrong or no credentials)`,
    requests: checks.length,
    ok: refusedCount,
    lost: 0,
    unknown: 0,
    duplicated: 0,
    pass: refusedCount === checks.length,
    details: checks.map((c) => `${c.refused ? 'refused' : 'NOT refused'}: ${c.what}${c.why ? ` (${c.why})` : ''}`),
  };
}
