import { api } from '../api.js';
import { button, fill, formatTime, h, table } from '../dom.js';
import { attempt, feedback } from '../feedback.js';
import { listConnections, type Connection } from '../model.js';
import { providerChoices, startOAuth } from '../providers.js';

interface AuditPage {
  entries: { id: string; event: string; actor: string; detail: Record<string, unknown>; createdAt: string }[];
  nextBefore: string | null;
}

/** Connections: provider, alias, status (needs_reauth stands out with a reconnect button), metadata; test,
 * disconnect and the audit trail. */
export async function connectionsPage(view: HTMLElement): Promise<void> {
  const messages = feedback();
  const list = h('div');
  const audit = h('section', { 'aria-label': 'Audit trail' });
  view.replaceChildren(h('h1', {}, 'Connections'), messages.element, list, audit);

  const render = async () => {
    const connections = await listConnections();
    list.replaceChildren(
      table(
        'Connections',
        ['Provider', 'Alias', 'Status', 'Metadata', 'Actions'],
        connections.map((connection) => [
          connection.provider,
          connection.alias,
          statusCell(connection),
          h('code', {}, JSON.stringify(connection.metadata)),
          h(
            'div',
            { class: 'actions' },
            button('Test', () => test(connection), { 'aria-label': `Test ${connection.alias}` }),
            button('Audit trail', () => showAudit(connection), { 'aria-label': `Audit trail of ${connection.alias}` }),
            button('Disconnect', () => disconnect(connection), {
              class: 'danger',
              'aria-label': `Disconnect ${connection.alias}`,
            }),
          ),
        ]),
      ),
    );
  };

  const statusCell = (connection: Connection) => {
    const badge = h('span', { class: `status status-${connection.status}` }, connection.status.replace('_', ' '));
    if (connection.status !== 'needs_reauth') return badge;
    return h(
      'span',
      {},
      badge,
      ' ',
      button('Reconnect', () => reconnect(connection)),
    );
  };

  const test = (connection: Connection) =>
    attempt(messages, async () => {
      const result = await api<{ ok: boolean; status: number | null; code?: string }>(
        'POST',
        `/api/v1/connections/${connection.id}/test`,
      );
      if (result.ok) messages.ok(`${connection.alias}: the provider answered (HTTP ${result.status ?? '—'}).`);
      else messages.fail(`${connection.alias}: test failed, ${result.code ?? `HTTP ${result.status}`}`);
    });

  const disconnect = (connection: Connection) =>
    attempt(messages, async () => {
      const result = await api<{ revokedAtProvider: boolean }>('DELETE', `/api/v1/connections/${connection.id}`);
      messages.ok(`${connection.alias} disconnected${result.revokedAtProvider ? ' and revoked at the provider' : ''}.`);
      await render();
    });

  const reconnect = (connection: Connection) =>
    attempt(messages, async () => {
      const choice = providerChoices.find((c) => c.provider === connection.provider && c.kind === 'oauth');
      if (!choice) {
        window.location.hash = `#/connect?provider=${connection.provider}&alias=${connection.alias}`;
        return;
      }
      const body: Record<string, string> = { provider: connection.provider, alias: connection.alias };
      for (const need of choice.needs) {
        const value = connection.metadata[need];
        if (typeof value === 'string') body[need] = value;
      }
      await startOAuth(body);
    });

  const showAudit = async (connection: Connection, before?: string) => {
    await attempt(messages, async () => {
      const path = `/api/v1/connections/${connection.id}/audit${before ? `?before=${before}` : ''}`;
      const page = await api<AuditPage>('GET', path);
      fill(
        audit,
        h('h2', {}, `Audit trail: ${connection.provider} · ${connection.alias}`),
        table(
          'Audit entries',
          ['When', 'Event', 'Actor', 'Detail'],
          page.entries.map((entry) => [
            formatTime(entry.createdAt),
            entry.event,
            entry.actor,
            h('code', {}, JSON.stringify(entry.detail)),
          ]),
        ),
        page.nextBefore ? button('Older entries', () => showAudit(connection, page.nextBefore ?? undefined)) : null,
      );
    });
  };

  await attempt(messages, render);
}
