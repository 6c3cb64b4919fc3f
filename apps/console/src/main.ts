import { api, useSession, type Session } from './api.js';
import { button, h } from './dom.js';
import { connectPage } from './pages/connect.js';
import { connectionsPage } from './pages/connections.js';
import { eventPage } from './pages/event.js';
import { eventsPage } from './pages/events.js';
import { recordsPage } from './pages/records.js';
import { signInPage } from './pages/sign-in.js';
import { syncPage } from './pages/sync.js';

type View = (view: HTMLElement, params: URLSearchParams, id: string) => Promise<(() => void) | void>;

const pages: Record<string, [string, View]> = {
  connections: ['Connections', connectionsPage],
  connect: ['Connect', connectPage],
  events: ['Webhook events', (view, params, id) => (id ? eventPage(view, params, id) : eventsPage(view, params))],
  sync: ['Sync', syncPage],
  records: ['Records', recordsPage],
};

const view = document.getElementById('view') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
let session: Session | null = null;
let leave: (() => void) | void;

function signedOut(): void {
  session = null;
  useSession(null);
  nav.replaceChildren();
  leave?.();
  signInPage(view, (started) => {
    session = started;
    useSession(started);
    void render();
  });
}

function renderNav(name: string): void {
  if (!session) return;
  nav.replaceChildren(
    h(
      'ul',
      {},
      Object.entries(pages).map(([key, [label]]) =>
        h('li', {}, h('a', { href: `#/${key}`, 'aria-current': key === name ? 'page' : undefined }, label)),
      ),
    ),
    h('span', { class: 'tenant' }, `Tenant ${session.tenantId}`),
    button('Sign out', signOut),
  );
}

async function signOut(): Promise<void> {
  await api('DELETE', '/api/v1/session').catch(() => undefined);
  window.location.hash = '#/connections';
  signedOut();
}

/** Routes are `#/<page>[/<id>][?query]`. */
async function render(): Promise<void> {
  if (!session) return signedOut();
  const [path = '', search = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
  const [name = 'connections', id = ''] = path.split('/');
  const page = pages[name] ?? pages.connections;
  if (!page) return;
  leave?.();
  renderNav(name in pages ? name : 'connections');
  document.title = `${page[0]} · Shelflink`;
  view.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  leave = await page[1](view, new URLSearchParams(search), decodeURIComponent(id));
  view.focus();
}

window.addEventListener('hashchange', () => void render());
try {
  session = await api<Session>('GET', '/api/v1/session');
  useSession(session, signedOut);
  await render();
} catch {
  useSession(null, signedOut);
  signedOut();
}
