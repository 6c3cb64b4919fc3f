#!/usr/bin/env node
// Operator CLI: talks to the services over NATS as the `operator` user, whose permissions allow only their admin
// subjects (auth.admin.*, webhook.admin.*, sync runs and schedules) and pings. Env: NATS_URL, NATS_PASSWORD or NATS_OPERATOR_PASSWORD; defaults to the stack `npm start` runs (.data/operator.json).
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';

const usage = `usage: shelflink <command>
  tenant create <tenantId> [--name <name>]    create a tenant and its first admin API key (shown once)
  apikey create <tenantId> [--name <name>]    another admin API key for a tenant (shown once)
  connections list [--tenant <tenantId>]      connections with provider, alias and status (never secrets)
  connection test <tenantId> <connectionId>   one cheap authenticated call to the provider
  keys status                                 credential rows per master key id
  keys rotate                                 re-encrypt every row under the active key (background, resumable)
  cache clear                                 clear the token cache of the answering auth-service replica
  syncs start <tenantId> <connectionId> [--streams orders,products] [--full]
                                              queue a sync now, one run per stream (--full re-pulls everything)
  syncs list <tenantId> [--connection <id>] [--status <status>] [--limit <n>]
                                              sync runs, newest first: status, pages, records, errors, duration
  sync watch <tenantId> <runId>               print the run's progress until it ends (exit 1 if it failed)
  schedules list <tenantId> [--connection <id>]
                                              interval, paused, next run and last success per stream
  schedule set <tenantId> <connectionId> <stream> [--interval <seconds>] [--pause | --resume]
                                              change a stream's interval, or pause or resume it
  events list <tenantId> [--connection <id>] [--status <status>] [--limit <n>]
                                              received webhook events, newest first
  event replay <tenantId> <eventId>           process one stored webhook event again
  events replay <tenantId> <connectionId> --from <iso time> --to <iso time>
                                              process a connection's events received in [from, to) again
  deadletters list <tenantId>                 webhook events that ran out of attempts, with their last error
  deadletters requeue <tenantId> [<eventId> ...]
                                              send dead letters (all of the tenant's when none is named) back`;

function option(args, name) {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
}

function limitOption(args) {
  const limit = option(args, 'limit');
  return limit === undefined ? {} : { limit: Number(limit) };
}

const RUN_ENDED = new Set(['succeeded', 'failed']);

// Polls one sync run, printing a line whenever its progress changes; resolves with the finished run.
async function watchRun(ask, tenantId, runId) {
  let last = '';
  for (;;) {
    const { runs } = await ask('sync.run.list.v1', { tenantId, runId, limit: 1 });
    const run = runs[0];
    if (!run) throw Object.assign(new Error(`No sync run ${runId} for tenant ${tenantId}`), { code: 'NOT_FOUND' });
    const { status, pages, records, changed, attempts, errorCode, durationMs } = run;
    const line = JSON.stringify({ status, pages, records, changed, attempts, errorCode, durationMs });
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
    if (RUN_ENDED.has(status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function main(argv) {
  const [group, action, ...rest] = argv;
  let failed = false;
  const calls = {
    'tenant create': async (ask) => {
      const tenantId = rest[0];
      const tenant = await ask('auth.admin.tenant.create.v1', { tenantId, name: option(rest, 'name') });
      const key = await ask('auth.admin.apikey.create.v1', { tenantId, name: 'admin' });
      return { ...tenant, keyId: key.keyId, apiKey: key.apiKey, note: 'store the API key now; it is not shown again' };
    },
    'apikey create': (ask) => ask('auth.admin.apikey.create.v1', { tenantId: rest[0], name: option(rest, 'name') }),
    'connections list': (ask) =>
      ask('auth.admin.connections.list.v1', option(rest, 'tenant') ? { tenantId: option(rest, 'tenant') } : {}),
    'connection test': (ask) => ask('auth.admin.connection.test.v1', { tenantId: rest[0], connectionId: rest[1] }),
    'keys status': (ask) => ask('auth.admin.keys.status.v1', {}),
    'keys rotate': (ask) => ask('auth.admin.keys.rotate.v1', {}),
    'cache clear': (ask) => ask('auth.admin.token-cache.clear.v1', {}),
    'syncs start': (ask) => {
      const streams = option(rest, 'streams')?.split(',');
      return ask('sync.run.start.v1', {
        tenantId: rest[0],
        connectionId: rest[1],
        ...(streams ? { streams } : {}),
        mode: rest.includes('--full') ? 'full' : 'incremental',
      });
    },
    'syncs list': (ask) =>
      ask('sync.run.list.v1', {
        tenantId: rest[0],
        connectionId: option(rest, 'connection'),
        status: option(rest, 'status'),
        ...limitOption(rest),
      }),
    'sync watch': async (ask) => {
      const run = await watchRun(ask, rest[0], rest[1]);
      failed = run.status === 'failed';
      return run;
    },
    'schedules list': (ask) =>
      ask('sync.schedule.list.v1', { tenantId: rest[0], connectionId: option(rest, 'connection') }),
    'schedule set': (ask) => {
      const [tenantId, connectionId, stream] = rest;
      const interval = option(rest, 'interval');
      const paused = rest.includes('--pause') ? true : rest.includes('--resume') ? false : undefined;
      return ask('sync.schedule.update.v1', {
        tenantId,
        connectionId,
        stream,
        ...(interval === undefined ? {} : { intervalSeconds: Number(interval) }),
        ...(paused === undefined ? {} : { paused }),
      });
    },
    'events list': (ask) =>
      ask('webhook.admin.events.list.v1', {
        tenantId: rest[0],
        connectionId: option(rest, 'connection'),
        status: option(rest, 'status'),
        ...limitOption(rest),
      }),
    'event replay': (ask) => ask('webhook.admin.events.replay.v1', { tenantId: rest[0], eventId: rest[1] }),
    'events replay': (ask) =>
      ask('webhook.admin.events.replay-range.v1', {
        tenantId: rest[0],
        connectionId: rest[1],
        from: option(rest, 'from'),
        to: option(rest, 'to'),
      }),
    'deadletters list': (ask) => ask('webhook.admin.dead-letters.list.v1', { tenantId: rest[0] }),
    'deadletters requeue': (ask) => {
      const [tenantId, ...eventIds] = rest;
      return ask('webhook.admin.dead-letters.requeue.v1', { tenantId, ...(eventIds.length > 0 ? { eventIds } : {}) });
    },
  };
  const call = calls[`${group} ${action}`];
  if (!call) {
    process.stderr.write(`${usage}\n`);
    return 64;
  }
  const local = localStackSettings();
  const password = process.env.NATS_PASSWORD ?? process.env.NATS_OPERATOR_PASSWORD ?? local.password;
  if (!password) {
    process.stderr.write('set NATS_PASSWORD (or NATS_OPERATOR_PASSWORD) to the operator user password\n');
    return 78;
  }
  const nc = await connect({
    servers: (process.env.NATS_URL ?? local.url ?? 'nats://127.0.0.1:4222').split(','),
    user: process.env.NATS_USER ?? 'operator',
    pass: password,
    inboxPrefix: '_INBOX_operator',
  });
  try {
    const ask = async (subject, body) => {
      const reply = (await nc.request(subject, JSON.stringify(body), { timeout: 15_000 })).json();
      if (reply && typeof reply === 'object' && 'error' in reply)
        throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
      return reply;
    };
    process.stdout.write(`${JSON.stringify(await call(ask), null, 2)}\n`);
    return failed ? 1 : 0;
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ error: { code: error.code ?? 'FAILED', message: error.message } })}\n`);
    return 1;
  } finally {
    await nc.close();
  }
}

process.exitCode = await main(process.argv.slice(2));

/** What `npm start` left in .data/ for operators on this machine: the local NATS URL and the operator password. */
function localStackSettings() {
  try {
    const file = new URL('../.data/operator.json', import.meta.url);
    const { url, password } = JSON.parse(readFileSync(file, 'utf8'));
    return { url, password };
  } catch {
    return {};
  }
}
