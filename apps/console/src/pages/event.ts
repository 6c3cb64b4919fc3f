import { api } from '../api.js';
import { button, formatTime, h, table } from '../dom.js';
import { attempt, feedback } from '../feedback.js';
import type { EventSummary } from './events.js';

interface EventDetail extends EventSummary {
  dedupKey: string;
  providerEventId: string | null;
  headers: Record<string, string | string[]>;
  rawBody: string;
}

// Signature and credential headers are proof, not content: the page never shows their values.
const hiddenHeader = /signature|hmac|authorization|token|secret|cookie/i;

/** One webhook event: its fields, headers, raw body, attempts and last error; replay it. */
export async function eventPage(view: HTMLElement, _params: URLSearchParams, id: string): Promise<void> {
  const messages = feedback();
  const body = h('div');
  view.replaceChildren(
    h('p', {}, h('a', { href: '#/events' }, '← All events')),
    h('h1', {}, 'Webhook event'),
    messages.element,
    body,
  );

  const load = async () => {
    const event = await api<EventDetail>('GET', `/api/v1/webhook-events/${encodeURIComponent(id)}`);
    const facts: [string, string | number][] = [
      ['Id', event.id],
      ['Provider', event.provider],
      ['Connection', event.connectionId],
      ['Type', event.eventType],
      ['Status', event.status],
      ['Attempts', event.attempts],
      ['Replays', event.generation],
      ['Last error', event.lastError ?? '—'],
      ['Received', formatTime(event.receivedAt)],
      ['Processed', formatTime(event.processedAt)],
      ['Provider event id', event.providerEventId ?? '—'],
    ];
    body.replaceChildren(
      h('dl', { class: 'facts' }, ...facts.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
      button('Replay', replay),
      h('h2', {}, 'Headers'),
      table(
        'Headers',
        ['Name', 'Value'],
        Object.entries(event.headers).map(([name, value]) => [
          name,
          hiddenHeader.test(name) ? '(hidden)' : Array.isArray(value) ? value.join(', ') : value,
        ]),
      ),
      h('h2', {}, 'Raw body'),
      h('pre', { class: 'raw', tabindex: 0, 'aria-label': 'Raw body' }, decode(event.rawBody)),
    );
  };

  const replay = () =>
    attempt(messages, async () => {
      await api('POST', `/api/v1/webhook-events/${encodeURIComponent(id)}/replay`);
      messages.ok('Replay requested: the event goes back to processing.');
      await load();
    });

  await attempt(messages, load);
}

/** The stored body is base64; shown as UTF-8 text (invalid bytes become U+FFFD). */
function decode(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
