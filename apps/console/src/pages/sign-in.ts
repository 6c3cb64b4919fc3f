import { api, type Session } from '../api.js';
import { field, h } from '../dom.js';
import { attempt, feedback } from '../feedback.js';

/** Sign-in: the key goes to the gateway once and comes back as an httpOnly cookie; the page keeps nothing. */
export function signInPage(view: HTMLElement, signedIn: (session: Session) => void): void {
  const messages = feedback();
  const key = h('input', { name: 'apiKey', type: 'password', required: true, autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-label': 'Sign in' },
    h('h1', {}, 'Sign in to Shelflink'),
    h('p', {}, 'Use an admin API key. The session lasts a few hours; the key is not stored in this browser.'),
    messages.element,
    field('Admin API key', key),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(messages, async () => {
      const session = await api<Session>('POST', '/api/v1/session', { apiKey: key.value.trim() });
      key.value = '';
      signedIn(session);
    });
  });
  view.replaceChildren(form);
  key.focus();
}
