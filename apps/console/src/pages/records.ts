import { api, query } from '../api.js';
import { button, field, formatTime, h, select, table } from '../dom.js';
import { attempt, feedback } from '../feedback.js';
import { connectionOptions, listConnections } from '../model.js';

interface CanonicalRecord {
  id: string;
  provider: string;
  externalId: string;
  syncedAt: string;
  data: Record<string, unknown>;
}

const entities = ['locations', 'products', 'inventory', 'orders'];

/** The record's headline: its name or title when it has one (provider data, shown as text like everything else). */
function headline(data: Record<string, unknown>): string {
  for (const key of ['name', 'title', 'sku', 'number']) {
    const value = data[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '—';
}

/** Records: browse the canonical locations, products, inventory and orders per connection, a page at a time. */
export async function recordsPage(view: HTMLElement, params: URLSearchParams): Promise<void> {
  const messages = feedback();
  const connections = await listConnections().catch(() => []);
  const entity = select(
    'entity',
    entities.map((value) => ({ value, label: value })),
    params.get('entity') ?? 'products',
  );
  const connection = select('connectionId', connectionOptions(connections), params.get('connectionId') ?? '');
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Choose records' },
    field('Entity', entity),
    field('Connection', connection),
    h('button', { type: 'submit' }, 'Show'),
  );
  const list = h('div');
  view.replaceChildren(h('h1', {}, 'Records'), messages.element, form, list);

  const load = async (after?: string) => {
    const page = await api<{ records: CanonicalRecord[]; nextAfter: string | null }>(
      'GET',
      `/api/v1/records/${entity.value}${query({ connectionId: connection.value, after, limit: '50' })}`,
    );
    list.replaceChildren(
      table(
        `Records: ${entity.value}`,
        ['Name', 'Provider', 'External id', 'Synced', 'Data'],
        page.records.map((record) => [
          headline(record.data),
          record.provider,
          record.externalId,
          formatTime(record.syncedAt),
          h('details', {}, h('summary', {}, 'Data'), h('pre', {}, JSON.stringify(record.data, null, 2))),
        ]),
      ),
      h(
        'div',
        { class: 'actions' },
        after ? button('First page', () => attempt(messages, () => load())) : null,
        page.nextAfter ? button('Next page', () => attempt(messages, () => load(page.nextAfter ?? undefined))) : null,
      ),
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(messages, () => load());
  });
  await attempt(messages, () => load());
}
