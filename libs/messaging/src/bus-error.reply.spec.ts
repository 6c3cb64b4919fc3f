import { Logger, type LoggerService } from '@nestjs/common';
import { BusError, busErrorSchema } from '@shelflink/contracts';
import { errorReply } from './bus-error.reply.js';

const SECRET = 'sk_live_do-not-leak-4242';

/** Keeps what is logged, so a test can read it. */
class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  log(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  error(message: unknown): void {
    this.lines.push(String(message));
  }
}

describe('errorReply', () => {
  let logger: RecordingLogger;
  beforeEach(() => {
    logger = new RecordingLogger();
    Logger.overrideLogger(logger);
  });
  afterAll(() => {
    Logger.overrideLogger(false);
  });

  it("keeps a BusError's code and message, logs nothing and adds no errorId", () => {
    const reply = errorReply('auth.token.get.v1', new BusError('NOT_FOUND', 'No such connection'));
    expect(reply).toEqual({ error: { code: 'NOT_FOUND', message: 'No such connection' } });
    expect(logger.lines).toEqual([]);
  });

  it("keeps a BusError's reason as a field of its own", () => {
    const error = new BusError('INVALID_REQUEST', 'This state was already used', 'OAUTH_STATE_REPLAYED');
    expect(errorReply('auth.oauth.callback.v1', error)).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'This state was already used', reason: 'OAUTH_STATE_REPLAYED' },
    });
  });

  it('answers an unexpected error INTERNAL with the errorId it logs, never its message or stack', () => {
    const error = new TypeError(`cannot read token ${SECRET}`);
    const reply = errorReply('auth.token.get.v1', error);

    expect(busErrorSchema.parse(reply)).toEqual(reply);
    expect(reply.error.code).toBe('INTERNAL');
    const errorId = reply.error.errorId ?? '';
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.error.message).toBe(`Internal error (errorId ${errorId})`);
    expect(JSON.stringify(reply)).not.toContain(SECRET);
    expect(JSON.stringify(reply)).not.toContain('bus-error.reply.spec');

    expect(logger.lines).toHaveLength(1);
    const line = logger.lines[0] ?? '';
    expect(line).toContain(errorId);
    expect(line).toContain('auth.token.get.v1');
    expect(line).toContain('TypeError');
    expect(line).toContain('bus-error.reply.spec'); // the frames say where it broke
    expect(line).not.toContain(SECRET);
  });

  it('gives every unexpected error its own errorId, also for thrown non-errors', () => {
    const first = errorReply('s', new Error(SECRET));
    const second = errorReply('s', SECRET);
    expect(first.error.errorId).not.toEqual(second.error.errorId);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
    expect(logger.lines[1]).toContain('string');
  });

  it('answers a lost database connection UNAVAILABLE (retry), warned without its message', () => {
    const lost = [
      new Error(`Connection terminated unexpectedly ${SECRET}`),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:6432`), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('server conn crashed?'), { code: '08P01' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ];
    for (const error of lost) {
      expect(errorReply('auth.token.get.v1', error)).toEqual({
        error: { code: 'UNAVAILABLE', message: 'The database cannot be reached right now; retry' },
      });
    }
    expect(logger.lines).toEqual([]);
    expect(logger.warnings).toHaveLength(lost.length);
    expect(logger.warnings.join('\n')).not.toContain(SECRET);
  });

  it('keeps other database errors INTERNAL (a constraint, a syntax error, a statement timeout)', () => {
    for (const code of ['23505', '42601', '57014']) {
      const reply = errorReply('s', Object.assign(new Error('query failed'), { code }));
      expect(reply.error.code).toBe('INTERNAL');
    }
  });
});
