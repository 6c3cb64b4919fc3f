import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { BusError, chunkCreditMessage, chunkWindowHeader, MAX_CHUNK_WINDOW } from '@shelflink/contracts';

/** The requester cancelled (it left early, or its client went away): nobody reads further chunks. */
export class ChunksCancelled extends BusError {
  constructor() {
    super('UNAVAILABLE', 'The requester stopped reading the chunks');
  }
}

/**
 * The responder's side of chunk flow control (see `requestChunks`): sends chunks on the request's reply subject, each
 * naming `creditSubject` as its own reply, and waits after each one until the requester has credit left, so no more
 * than its window is ever unread and nothing is produced ahead of that. Undefined when the request asked for none.
 */
export class ChunkCredit {
  private credit: number;
  private cancelled = false;
  private wake: (() => void) | undefined;
  private readonly subscription: Subscription;

  private constructor(
    private readonly request: Msg,
    private readonly creditSubject: string,
    private readonly timeoutMs: number,
    connection: NatsConnection,
    window: number,
  ) {
    this.credit = window;
    this.subscription = connection.subscribe(creditSubject, {
      callback: (error, msg) => {
        if (!error) this.take(msg);
      },
    });
  }

  /** Flow control for `request` when its requester asked for it (the window header), credit coming on `subject`. */
  static open(
    connection: NatsConnection,
    request: Msg,
    creditSubject: string,
    timeoutMs: number,
  ): ChunkCredit | undefined {
    const window = Number(request.headers?.get(chunkWindowHeader) ?? '');
    if (!Number.isInteger(window) || window < 1) return undefined;
    return new ChunkCredit(request, creditSubject, timeoutMs, connection, Math.min(window, MAX_CHUNK_WINDOW));
  }

  /**
   * Sends one chunk, then resolves once another may follow. Throws ChunksCancelled when the requester cancelled, and
   * TIMEOUT when it took no chunk for `timeoutMs` (it is gone or stuck).
   */
  async send(chunk: string): Promise<void> {
    if (this.cancelled) throw new ChunksCancelled();
    this.request.respond(chunk, { reply: this.creditSubject });
    this.credit -= 1;
    if (this.credit > 0) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.wake = resolve;
        timer = setTimeout(
          () => reject(new BusError('TIMEOUT', `The requester took no chunk for ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      });
    } finally {
      this.wake = undefined;
      clearTimeout(timer);
    }
    if (this.cancelled) throw new ChunksCancelled();
  }

  /** Stops listening for credit (the walk ended, one way or another). */
  close(): void {
    this.subscription.unsubscribe();
  }

  private take(msg: Msg): void {
    let decoded: unknown;
    try {
      decoded = msg.json();
    } catch {
      return;
    }
    const parsed = chunkCreditMessage.safeParse(decoded);
    if (!parsed.success) return;
    if ('cancel' in parsed.data) this.cancelled = true;
    else this.credit = Math.min(this.credit + parsed.data.credit, MAX_CHUNK_WINDOW);
    if (this.cancelled || this.credit > 0) this.wake?.();
  }
}
