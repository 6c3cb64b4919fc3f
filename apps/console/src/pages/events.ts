import { api, query } from '../api.js';
import { button, fill, field, formatTime, h, select, table } from '../dom.js';
import { attempt, feedback } from '../feedback.js';
import { connectionOptions, listConnections } from '../model.js';

export interface EventSummary {
  id: string;
  provider: string;
  connectionId: string;
  eventType: string;
  status: string;
  attempts: number;
  generation: number;
  lastError: string | null;
  receivedAt: string;
  processedAt: string | null;
}

interface DeadLetter {
  eventId: string;
  provider: string;
  eventType: string;
  attempts: number;
  lastError: string;
  deadAt: string;
}

const statuses = ['received', 'published', 'processed', 'dead'];

/** Webhook events: filter by connection, status and time, page back, replay a range; dead letters with requeue. */
export async function eventsPage(view: HTMLElement, params: URLSearchParams): Promise<void> {
  const messages = feedback();
  const connections = await listConnections().catch(() => []);
  const connection = select('connectionId', connectionOptions(connections), params.get('connectionId') ?? '');
  const status = select(
    'status',
    [{ value: '', label: 'Any status' }, ...statuses.map((value) => ({ value, label: value }))],
    params.get('status') ?? '',
  );
  const before = h('input', { name: 'before', type: 'datetime-local', value: params.get('before') ?? '' });
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter events' },
    field('Connection', connection),
    field('Status', status),
    field('Received before', before),
    h('button', { type: 'submit' }, 'Filter'),
  );
  const list = h('div');
  const dead = h('section', { 'aria-label': 'Dead letters' });
  view.replaceChildren(h('h1', {}, 'Webhook events'), messages.element, filters, list, replayRangeForm(), dead);

  const load = async (cursor?: string) => {
    const beforeIso = cursor ?? (before.value ? new Date(before.value).toISOString() : undefined);
    const page = await api<{ items: EventSummary[]; nextBefore: string | null }>(
      'GET',
      `/api/v1/webhook-events${query({ connectionId: connection.value, status: status.value, before: beforeIso })}`,
    );
    fill(
      list,
      table(
        'Events',
        ['Received', 'Provider', 'Type', 'Status', 'Attempts', 'Last error', ''],
        page.items.map((event) => [
          formatTime(event.receivedAt),
          event.provider,
          event.eventType,
          h('span', { class: `status status-${event.status}` }, event.status),
          event.attempts,
          event.lastError ?? '—',
          h('a', { href: `#/events/${event.id}`, 'aria-label': `Details of ${event.eventType}` }, 'Details'),
        ]),
      ),
      page.nextBefore ? button('Older events', () => attempt(messages, () => load(page.nextBefore ?? ''))) : null,
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(messages, () => load());
  });

  function replayRangeForm(): HTMLFormElement {
    const rangeConnection = select('connectionId', connectionOptions(connections, 'Choose a connection'));
    const from = h('input', { name: 'from', type: 'datetime-local', required: true });
    const to = h('input', { name: 'to', type: 'datetime-local', required: true });
    const form = h(
      'form',
      { class: 'card', 'aria-label': 'Replay a range' },
      h('h2', {}, 'Replay a range'),
      field('Connection', rangeConnection),
      field('From', from),
      field('To', to),
      h('button', { type: 'submit' }, 'Replay range'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void attempt(messages, async () => {
        const { replayed } = await api<{ replayed: number }>('POST', '/api/v1/webhook-events/replay', {
          connectionId: rangeConnection.value,
          from: new Date(from.value).toISOString(),
          to: new Date(to.value).toISOString(),
        });
        messages.ok(`${replayed} events sent back to processing.`);
      });
    });
    return form;
  }

  const loadDead = async () => {
    const { items } = await api<{ items: DeadLetter[] }>('GET', '/api/v1/webhook-dead-letters');
    const requeue = (eventIds?: string[]) =>
      attempt(messages, async () => {
        const { replayed } = await api<{ replayed: number }>('POST', '/api/v1/webhook-dead-letters/requeue', {
          ...(eventIds ? { eventIds } : {}),
        });
        messages.ok(`${replayed} dead letters sent back to processing.`);
        await loadDead();
      });
    fill(
      dead,
      h('h2', {}, 'Dead letters'),
      table(
        'Dead letters',
        ['Dead since', 'Provider', 'Type', 'Attempts', 'Last error', ''],
        items.map((item) => [
          formatTime(item.deadAt),
          item.provider,
          item.eventType,
          item.attempts,
          item.lastError,
          button('Requeue', () => requeue([item.eventId]), { 'aria-label': `Requeue ${item.eventType}` }),
        ]),
      ),
      items.length > 0 ? button('Requeue all', () => requeue()) : null,
    );
  };

  await attempt(messages, () => Promise.all([load(), loadDead()]));
}
