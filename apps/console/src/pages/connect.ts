import { api } from '../api.js';
import { field, formatTime, h, select } from '../dom.js';
import { attempt, feedback } from '../feedback.js';
import { defaultChoice, metadataLabels, providerChoices, startOAuth, type ProviderChoice } from '../providers.js';

const secretFields: Record<Exclude<ProviderChoice['kind'], 'oauth'>, [string, string][]> = {
  'key-password': [
    ['apiKey', 'API key'],
    ['password', 'API password'],
  ],
  'access-token': [['accessToken', 'API token']],
  tba: [
    ['consumerKey', 'Consumer key'],
    ['consumerSecret', 'Consumer secret'],
    ['tokenId', 'Token id'],
    ['tokenSecret', 'Token secret'],
  ],
};

/** Connect: pick a provider; OAuth providers go to their consent page, key-based ones get a credentials form that is
 * tried at once (a refused key is removed again, so a retry starts clean). */
export async function connectPage(view: HTMLElement, params: URLSearchParams): Promise<void> {
  const messages = feedback();
  const picker = select(
    'provider',
    providerChoices.map((choice) => ({ value: choice.id, label: choice.label })),
    params.get('provider') ?? 'square',
  );
  const alias = h('input', {
    name: 'alias',
    value: params.get('alias') ?? 'default',
    pattern: '[a-z0-9][a-z0-9_\\-]{0,31}',
    required: true,
  });
  const fields = h('div');
  const submit = h('button', { type: 'submit' }, 'Connect');
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Connect a provider' },
    field('Provider', picker),
    field('Alias', alias, 'lowercase letters, digits, _ or -'),
    fields,
    submit,
  );
  view.replaceChildren(h('h1', {}, 'Connect'), messages.element, form, connectLinkForm());

  const choice = () => providerChoices.find((c) => c.id === picker.value) ?? defaultChoice;
  const renderFields = () => {
    const current = choice();
    const inputs = current.needs.map((need) => {
      const [label, hint] = metadataLabels[need];
      return field(label, h('input', { name: need, required: true, autocomplete: 'off' }), hint);
    });
    if (current.kind !== 'oauth')
      for (const [name, label] of secretFields[current.kind])
        inputs.push(field(label, h('input', { name, type: 'password', required: true, autocomplete: 'off' })));
    fields.replaceChildren(...inputs);
    submit.textContent = current.kind === 'oauth' ? `Continue to ${current.label}` : 'Save and test';
  };
  picker.addEventListener('change', renderFields);
  renderFields();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(
      [...new FormData(form).entries()].map(([name, value]) => [name, typeof value === 'string' ? value.trim() : '']),
    );
    const current = choice();
    submit.disabled = true;
    void attempt(messages, async () => {
      if (current.kind === 'oauth') {
        const body: Record<string, string> = { provider: current.provider, alias: values.alias ?? 'default' };
        for (const need of current.needs) body[need] = values[need] ?? '';
        await startOAuth(body);
        return;
      }
      await connectWithCredentials(current, values);
    }).finally(() => {
      submit.disabled = false;
    });
  });

  /** A hosted Connect page link to hand to a merchant (single use, short-lived). */
  function connectLinkForm(): HTMLFormElement {
    const linkAlias = h('input', { name: 'alias', value: 'default', required: true });
    const returnUrl = h('input', { name: 'returnUrl', type: 'url', placeholder: 'https://app.example.com/done' });
    const boxes = [...new Set(providerChoices.map((c) => c.provider))].map((provider) =>
      h('input', { type: 'checkbox', name: 'allowedProviders', value: provider }),
    );
    const result = h('p', { 'aria-live': 'polite' });
    const linkForm = h(
      'form',
      { class: 'card', 'aria-label': 'Connect link for a merchant' },
      h('h2', {}, 'A Connect link for a merchant'),
      field('Alias', linkAlias),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Providers offered (none checked: all)'),
        boxes.map((box) => h('label', { class: 'check' }, box, ` ${box.value}`)),
      ),
      field('Return URL', returnUrl, 'optional; must start with one of your allowed return URLs'),
      h('button', { type: 'submit' }, 'Create link'),
      result,
    );
    linkForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void attempt(messages, async () => {
        const allowed = boxes.filter((box) => box.checked).map((box) => box.value);
        const link = await api<{ connectUrl: string; expiresAt: string }>('POST', '/api/v1/connect-sessions', {
          alias: linkAlias.value,
          ...(allowed.length > 0 ? { allowedProviders: allowed } : {}),
          ...(returnUrl.value ? { returnUrl: returnUrl.value } : {}),
        });
        result.replaceChildren(
          'Link (single use, until ',
          formatTime(link.expiresAt),
          '): ',
          h('code', {}, link.connectUrl),
        );
      });
    });
    return linkForm;
  }

  const connectWithCredentials = async (current: ProviderChoice, values: Record<string, string>) => {
    if (current.kind === 'oauth') return;
    const credentials: Record<string, string> = { type: current.kind };
    for (const [name] of secretFields[current.kind]) credentials[name] = values[name] ?? '';
    const metadata: Record<string, string> = {};
    for (const need of current.needs) metadata[need] = values[need] ?? '';
    const created = await api<{ id: string; alias: string; status: string }>('POST', '/api/v1/connections', {
      provider: current.provider,
      alias: values.alias,
      credentials,
      metadata,
    });
    const test = await api<{ ok: boolean; status: number | null; code?: string }>(
      'POST',
      `/api/v1/connections/${created.id}/test`,
    );
    if (!test.ok) {
      await api('DELETE', `/api/v1/connections/${created.id}`);
      messages.fail(
        new Error(
          `${current.label} refused these credentials (${test.code ?? `HTTP ${test.status}`}); nothing was saved.`,
        ),
      );
      return;
    }
    for (const input of fields.querySelectorAll('input[type=password]')) (input as HTMLInputElement).value = '';
    messages.ok(`Connected ${current.provider} (alias ${created.alias}): ${created.status}.`);
  };
}
