import { startTestNats, type TestNats } from '@shelflink/testing';
import type { NatsConnection as ResponderConnection } from '@nats-io/transport-node';
import { connect, ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { Replies } from '../packages/client/src/replies.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The client's own request/reply against a real nats-server with the repo's permissions. */
describe('client Replies', () => {
  let nats: TestNats;
  let responder: ResponderConnection;
  let requester: NatsConnection;
  let replies: Replies;

  beforeAll(async () => {
    nats = await startTestNats();
    responder = await nats.connectAs('auth-service');
    responder.subscribe('auth.echo.v1', { callback: (_error, msg) => void msg.respond(msg.data) });
    responder.subscribe('auth.silent.v1', { callback: () => undefined });
    await responder.flush();
    const env = nats.envFor('gateway');
    requester = await connect({
      servers: nats.url,
      user: env.NATS_USER,
      pass: env.NATS_PASSWORD,
      inboxPrefix: '_INBOX_gateway',
    });
    replies = new Replies(requester, '_INBOX_gateway');
  });

  afterAll(async () => {
    await requester.close();
    await responder.close();
    await nats.dispose();
  });

  const codeOf = (request: Promise<unknown>) =>
    request.then(
      () => 'answered',
      (error: NatsError) => error.code,
    );

  it('answers each request with its own reply, many in flight', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) =>
        decoder.decode(await replies.request('auth.echo.v1', encoder.encode(`n${i}`), 2_000)),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`));
  });

  it.each([
    ['NoResponders when nobody subscribes', 'auth.nobody.v1', ErrorCode.NoResponders],
    ['PermissionsViolation on a subject its user may not publish', 'auth.token.get.v1', ErrorCode.PermissionsViolation],
  ])('fails %s, at once', async (_case, subject, code) => {
    const started = Date.now();
    await expect(codeOf(replies.request(subject, encoder.encode('{}'), 5_000))).resolves.toBe(code);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails Timeout when the responder stays silent', async () => {
    await expect(codeOf(replies.request('auth.silent.v1', encoder.encode('x'), 200))).resolves.toBe(ErrorCode.Timeout);
  });

  it('still answers after a refused one', async () => {
    const answer = await replies.request('auth.echo.v1', encoder.encode('after'), 2_000);
    expect(decoder.decode(answer)).toBe('after');
  });
});
