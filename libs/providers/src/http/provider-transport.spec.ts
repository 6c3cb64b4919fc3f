import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { bufferedAnswer, sendProviderRequest } from './provider-transport.js';

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/** A local HTTP server whose answer each test sets; it remembers the sockets requests came on. */
async function startServer(): Promise<{
  url: string;
  sockets: Socket[];
  handle(h: Handler): void;
  close(): Promise<void>;
}> {
  let handler: Handler = (_request, _body, response) => response.end();
  const sockets: Socket[] = [];
  const server = http.createServer((request, response) => {
    sockets.push(request.socket);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    handle: (h) => void (handler = h),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('sendProviderRequest', () => {
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('sends method, headers and body, and answers status, headers and body over one kept-alive connection', async () => {
    const seen: { method?: string; auth?: string; length?: string; body?: string }[] = [];
    server.handle((request, body, response) => {
      seen.push({
        method: request.method,
        auth: request.headers.authorization,
        length: request.headers['content-length'],
        body: body.toString(),
      });
      response.writeHead(201, { 'Content-Type': 'application/json', 'X-Shopify-Shop-Api-Call-Limit': '3/40' });
      response.end('{"ok":true}');
    });
    const post = await sendProviderRequest(`${server.url}/v2/orders`, {
      method: 'POST',
      headers: { authorization: 'Bearer t1', 'content-type': 'application/json' },
      body: '{"a":"é"}',
    });
    expect(post.status).toBe(201);
    expect(post.ok).toBe(true);
    expect(post.headers.get('x-shopify-shop-api-call-limit')).toBe('3/40');
    expect((await post.bytes()).toString()).toBe('{"ok":true}');
    const get = await sendProviderRequest(`${server.url}/v2/orders`, { method: 'GET', headers: {} });
    await get.bytes();
    expect(seen).toEqual([
      { method: 'POST', auth: 'Bearer t1', length: String(Buffer.byteLength('{"a":"é"}')), body: '{"a":"é"}' },
      { method: 'GET', auth: undefined, length: undefined, body: '' },
    ]);
    expect(server.sockets[1]).toBe(server.sockets[0]);
  });

  it('returns a redirect as the answer instead of following it', async () => {
    server.handle((_request, _body, response) => {
      response.writeHead(302, { location: 'http://evil.example/' });
      response.end();
    });
    const answer = await sendProviderRequest(`${server.url}/a`, { method: 'GET', headers: {} });
    expect(answer.status).toBe(302);
    expect(answer.ok).toBe(false);
    expect(answer.headers.get('location')).toBe('http://evil.example/');
    answer.discard();
  });

  it('decodes a body that comes gzip-compressed', async () => {
    server.handle((_request, _body, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end(gzipSync(Buffer.from('{"items":[1,2,3]}')));
    });
    const answer = await sendProviderRequest(`${server.url}/a`, { method: 'GET', headers: {} });
    expect((await answer.bytes()).toString()).toBe('{"items":[1,2,3]}');
  });

  it("streams the body, and a discarded body's connection is reused", async () => {
    server.handle((request, _body, response) => {
      response.writeHead(200);
      response.end(request.url === '/big' ? Buffer.alloc(256 * 1024, 'x') : 'small');
    });
    const big = await sendProviderRequest(`${server.url}/big`, { method: 'GET', headers: {} });
    big.discard();
    // The body is a stream underneath: its end is when the connection goes back to the pool.
    await finished(big.body as Readable);
    const small = await sendProviderRequest(`${server.url}/small`, { method: 'GET', headers: {} });
    let text = '';
    for await (const chunk of small.body) text += chunk.toString();
    expect(text).toBe('small');
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[1]).toBe(server.sockets[0]);
  });

  it("rejects with the signal's reason when aborted before the answer", async () => {
    server.handle(() => undefined);
    const pending = sendProviderRequest(`${server.url}/slow`, {
      method: 'GET',
      headers: {},
      signal: AbortSignal.timeout(50),
    });
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('fails the body read when aborted while the body streams', async () => {
    server.handle((_request, _body, response) => {
      response.writeHead(200);
      response.write('first part');
    });
    const controller = new AbortController();
    const answer = await sendProviderRequest(`${server.url}/stream`, {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    const read = answer.bytes();
    controller.abort();
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
  });

  it("rejects a refused connection with Node's error code", async () => {
    const url = server.url;
    await server.close();
    await expect(sendProviderRequest(`${url}/a`, { method: 'GET', headers: {} })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    server = await startServer();
  });
});

describe('bufferedAnswer', () => {
  it('answers its bytes whole or as one chunk', async () => {
    const headers = new Headers({ 'retry-after': '3' });
    const answer = bufferedAnswer(503, headers, Buffer.from('busy'));
    expect(answer.ok).toBe(false);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect((await answer.bytes()).toString()).toBe('busy');
    const chunks: string[] = [];
    for await (const chunk of answer.body) chunks.push(chunk.toString());
    expect(chunks).toEqual(['busy']);
  });
});
