import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestDatabase, freePort, type TestDatabase } from '@shelflink/testing';
import { ShelflinkClient } from '../packages/client/src/index.js';

const root = join(import.meta.dirname, '..');

/** `count` consecutive free ports (npm start puts its four services on a base port and the three after it). */
async function freePortRange(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    const free = await Promise.all(Array.from({ length: count }, (_, i) => canListen(base + i)));
    if (free.every(Boolean)) return base;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Resolves with the first stdout line `pattern` matches; rejects when the process exits first or at the deadline. */
function lineMatching(child: ChildProcess, output: () => string, pattern: RegExp, timeoutMs: number) {
  return new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no match after ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const check = () => {
      const match = output().match(pattern);
      if (!match) return;
      clearTimeout(timer);
      resolve(match);
    };
    child.stdout?.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`npm start exited:\n${output()}`));
    });
  });
}

// `npm start` on a fresh copy of the repository (its files as git sees them, the installed node_modules linked):
// it must print consumer credentials that work with the client.
describe('npm start: the demo consumer service (e2e)', () => {
  let clone: string;
  let database: TestDatabase;
  let start: ChildProcess | undefined;

  beforeAll(async () => {
    clone = mkdtempSync(join(tmpdir(), 'shelflink-clone-'));
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
    for (const file of files.split('\0').filter(Boolean)) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(root, file), join(clone, file));
    }
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
    database = await createTestDatabase('e2e_start');
  });

  afterAll(async () => {
    if (start && start.exitCode === null) {
      const exited = new Promise((resolve) => start?.once('exit', resolve));
      start.kill('SIGINT');
      await exited;
    }
    await database?.drop();
    rmSync(clone, { recursive: true, force: true });
  });

  it('prints consumer credentials for tenant demo that get its tokens', async () => {
    const portBase = await freePortRange(4);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      SHELFLINK_PORT_BASE: String(portBase),
      SHELFLINK_NATS_PORT: String(await freePort()),
      SHELFLINK_NATS_MONITOR_PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
    };
    delete env.NATS_URL;
    let output = '';
    start = spawn(process.execPath, ['scripts/start.mjs'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    start.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const match = await lineMatching(
      start,
      () => output,
      /consumer service \(tenant demo, \.data\/demo-consumer\.json\): (\{.*\})\n/,
      240_000,
    );
    const printed = JSON.parse(match[1] ?? '') as Record<string, string>;
    expect(printed).toEqual(JSON.parse(readFileSync(join(clone, '.data', 'demo-consumer.json'), 'utf8')));
    expect(printed).toMatchObject({ service: 'demo-consumer', user: 'svc-demo-consumer' });

    const apiKey = readFileSync(join(clone, '.data', 'dev-api-key'), 'utf8').trim();
    const created = await fetch(`http://127.0.0.1:${portBase}/api/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'square',
        alias: 'demo-consumer-check',
        credentials: { type: 'access-token', accessToken: 'demo-consumer-token' },
      }),
    });
    // On failure, what the gateway answered and the stack's last lines say why (an outage right after start).
    const createdBody = await created.clone().text();
    expect({
      status: created.status,
      body: createdBody,
      tail: created.status === 201 ? '' : output.slice(-4000),
    }).toMatchObject({ status: 201 });
    const { id } = (await created.json()) as { id: string };
    const client = await ShelflinkClient.connect(printed);
    try {
      await expect(client.getToken('demo', id)).resolves.toMatchObject({ accessToken: 'demo-consumer-token' });
    } finally {
      await client.close();
    }
  }, 300_000);
});
