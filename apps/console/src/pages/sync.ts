import { api, query } from '../api.js';
import { button, field, formatTime, h, select, table } from '../dom.js';
import { attempt, feedback } from '../feedback.js';
import { connectionLabel, connectionOptions, listConnections, type Connection } from '../model.js';

interface Run {
  id: string;
  connectionId: string;
  stream: string;
  mode: string;
  trigger: string;
  status: string;
  pages: number;
  records: number;
  changed: number;
  errorCode: string | null;
  errorMessage: string | null;
  queuedAt: string;
  durationMs: number | null;
}

interface Schedule {
  connectionId: string;
  stream: string;
  intervalSeconds: number;
  paused: boolean;
  nextRunAt: string;
  lastSucceededAt: string | null;
}

const pollMs = 1_000;

/** Sync: "Sync now", runs with live progress while any is queued or running, schedules with interval, pause, resume. */
export async function syncPage(view: HTMLElement, params: URLSearchParams): Promise<() => void> {
  const messages = feedback();
  const connections = await listConnections().catch((): Connection[] => []);
  const label = (id: string) => {
    const connection = connections.find((c) => c.id === id);
    return connection ? connectionLabel(connection) : id;
  };
  const connection = select('connectionId', connectionOptions(connections), params.get('connectionId') ?? '');
  const mode = select('mode', [
    { value: 'incremental', label: 'Incremental' },
    { value: 'full', label: 'Full backfill' },
  ]);
  const runs = h('div', { 'aria-live': 'polite' });
  const schedules = h('section', { 'aria-label': 'Schedules' });
  view.replaceChildren(
    h('h1', {}, 'Sync'),
    messages.element,
    h(
      'div',
      { class: 'filters' },
      field('Connection', connection),
      field('Mode', mode),
      button('Sync now', () => syncNow()),
    ),
    runs,
    schedules,
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  let cursor: string | undefined;
  const loadRuns = async () => {
    clearTimeout(timer);
    const page = await api<{ runs: Run[]; nextBefore: string | null }>(
      'GET',
      `/api/v1/sync-runs${query({ connectionId: connection.value, before: cursor })}`,
    );
    runs.replaceChildren(
      table(
        'Runs',
        ['Queued', 'Connection', 'Stream', 'Mode', 'Status', 'Pages', 'Records', 'Changed', 'Error', 'Duration'],
        page.runs.map((run) => [
          formatTime(run.queuedAt),
          label(run.connectionId),
          run.stream,
          `${run.mode} (${run.trigger})`,
          h('span', { class: `status status-${run.status}` }, run.status),
          run.pages,
          run.records,
          run.changed,
          run.errorCode ? `${run.errorCode}: ${run.errorMessage ?? ''}` : '—',
          run.durationMs === null ? '—' : `${(run.durationMs / 1000).toFixed(1)} s`,
        ]),
      ),
      h(
        'div',
        { class: 'actions' },
        cursor ? button('Newest runs', () => pageTo(undefined)) : null,
        page.nextBefore ? button('Older runs', () => pageTo(page.nextBefore ?? undefined)) : null,
      ),
    );
    // Live progress: poll while anything on this page is still moving.
    if (page.runs.some((run) => run.status === 'queued' || run.status === 'running'))
      timer = setTimeout(() => void attempt(messages, loadRuns), pollMs);
  };

  const pageTo = (before: string | undefined) => {
    cursor = before;
    return attempt(messages, loadRuns);
  };

  const syncNow = async () => {
    if (connection.value === '') return messages.fail('Choose a connection to sync.');
    await attempt(messages, async () => {
      const started = await api<{ runs: Run[] }>('POST', `/api/v1/connections/${connection.value}/syncs`, {
        mode: mode.value,
      });
      messages.ok(`Started ${started.runs.length} runs: ${started.runs.map((run) => run.stream).join(', ')}.`);
      cursor = undefined;
      await loadRuns();
    });
  };

  const loadSchedules = async () => {
    const { schedules: rows } = await api<{ schedules: Schedule[] }>(
      'GET',
      `/api/v1/sync-schedules${query({ connectionId: connection.value })}`,
    );
    schedules.replaceChildren(
      h('h2', {}, 'Schedules'),
      table(
        'Schedules',
        ['Connection', 'Stream', 'Interval (s)', 'State', 'Next run', 'Last success'],
        rows.map((row) => {
          const name = `${label(row.connectionId)} ${row.stream}`;
          const interval = h('input', {
            type: 'number',
            min: 60,
            value: row.intervalSeconds,
            'aria-label': `Interval of ${name} in seconds`,
          });
          const save = (body: Record<string, unknown>) =>
            attempt(messages, async () => {
              await api('PATCH', `/api/v1/connections/${row.connectionId}/schedules/${row.stream}`, body);
              messages.ok(`Schedule of ${name} saved.`);
              await loadSchedules();
            });
          return [
            label(row.connectionId),
            row.stream,
            h(
              'span',
              { class: 'actions' },
              interval,
              button('Save', () => save({ intervalSeconds: Number(interval.value) }), {
                'aria-label': `Save interval of ${name}`,
              }),
            ),
            row.paused
              ? button('Resume', () => save({ paused: false }), { 'aria-label': `Resume ${name}` })
              : button('Pause', () => save({ paused: true }), { 'aria-label': `Pause ${name}` }),
            formatTime(row.nextRunAt),
            formatTime(row.lastSucceededAt),
          ];
        }),
      ),
    );
  };

  connection.addEventListener('change', () => {
    cursor = undefined;
    void attempt(messages, () => Promise.all([loadRuns(), loadSchedules()]));
  });
  await attempt(messages, () => Promise.all([loadRuns(), loadSchedules()]));
  return () => clearTimeout(timer);
}
