import { connect } from '@nats-io/transport-node';
import { consumerInboxPrefix, consumerNatsUser, consumerPermissions } from '@shelflink/contracts';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { NatsUsersSettings } from './config/cli.config.js';

/** The line of the template after which consumer services' users are written. */
const MARKER = '  # consumer services';
/** The line in sync-service's publish list after which consumer services' reply inboxes are written. */
const INBOX_MARKER = "          # proxy replies to consumer services: each one's own inbox, rendered below this line";

/** The users file: the template (Shelflink's own users) with one `svc-<name>` user per consumer service. */
export function renderNatsUsers(template: string, services: readonly { name: string; passwordHash: string }[]): string {
  if (!template.includes(`${MARKER}\n`)) throw new Error(`the NATS users template has no "${MARKER.trim()}" line`);
  const users = services.map(({ name, passwordHash }) => {
    const { publish, subscribe } = consumerPermissions(name);
    const list = (subjects: string[]) => subjects.map((subject) => JSON.stringify(subject)).join(', ');
    return [
      `  {`,
      `    user: ${JSON.stringify(consumerNatsUser(name))}`,
      `    password: ${JSON.stringify(passwordHash)}`,
      `    permissions: {`,
      `      publish: { allow: [${list(publish)}] }`,
      `      subscribe: { allow: [${list(subscribe)}] }`,
      `    }`,
      `  }`,
    ].join('\n');
  });
  if (!template.includes(`${INBOX_MARKER}\n`))
    throw new Error(`the NATS users template has no "${INBOX_MARKER.trim()}" line`);
  // sync-service answers consumers' proxy requests on their own inboxes only (it has no allow_responses).
  const inboxes = services.map(({ name }) => `          ${JSON.stringify(`${consumerInboxPrefix(name)}.>`)}`);
  return template
    .replace(`${INBOX_MARKER}\n`, [INBOX_MARKER, ...inboxes, ''].join('\n'))
    .replace(`${MARKER}\n`, [MARKER, ...users, ''].join('\n'));
}

/** What became of the NATS side; `next` says what the operator still has to do, when anything. */
export interface NatsUsersOutcome {
  usersFile: 'written' | 'not configured';
  reload: 'signalled' | 'not configured';
  next?: string;
}

/**
 * Rewrites the users file (atomically: nats-server may reload at any moment) and makes nats-server reload it. A
 * removed user's connections are closed by the server at the reload.
 */
export function applyNatsUsers(
  settings: NatsUsersSettings,
  services: readonly { name: string; passwordHash: string }[],
): NatsUsersOutcome {
  if (!settings.usersFile)
    return {
      usersFile: 'not configured',
      reload: 'not configured',
      next: 'set NATS_USERS_FILE to the generated users file nats.conf includes, then run `shelflink services render`',
    };
  const content = renderNatsUsers(readFileSync(settings.template, 'utf8'), services);
  const staging = `${settings.usersFile}.${process.pid}.tmp`;
  writeFileSync(staging, content, { mode: 0o600 });
  renameSync(staging, settings.usersFile);
  if (!settings.pidFile)
    return {
      usersFile: 'written',
      reload: 'not configured',
      next: 'reload nats-server now (SIGHUP, e.g. `docker compose kill -s HUP nats`), or set NATS_PID_FILE',
    };
  const pid = Number(readFileSync(settings.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${settings.pidFile} holds no process id`);
  process.kill(pid, 'SIGHUP');
  return { usersFile: 'written', reload: 'signalled' };
}

/** Resolves once the server accepts these credentials (its reload is done), or false at the deadline. */
export async function waitUntilAccepted(
  url: string,
  user: string,
  password: string,
  timeoutMs = 5_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const accepted = await connect({ servers: url.split(','), user, pass: password, reconnect: false }).then(
      async (connection) => {
        await connection.close();
        return true;
      },
      () => false,
    );
    if (accepted) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
