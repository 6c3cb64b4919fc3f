import { createInbox, ErrorCode, Events, NatsError, type Msg, type NatsConnection } from 'nats';

interface Pending {
  subject: string;
  timer: ReturnType<typeof setTimeout>;
  resolve(data: Uint8Array): void;
  reject(error: NatsError): void;
}

/**
 * Request/reply over one inbox subscription of the client's own. nats.js's `request` builds a `NatsError` (a stack
 * trace) for every request that succeeds, to reject a promise already resolved: with its garbage, about a third of a
 * token call's CPU. Failures keep nats.js's codes: `Timeout`, `NoResponders`, `PermissionsViolation`.
 */
export class Replies {
  private readonly pending = new Map<string, Pending>();
  private readonly prefix: string;
  private next = 0;

  constructor(
    private readonly connection: NatsConnection,
    inboxPrefix: string,
  ) {
    this.prefix = `${createInbox(inboxPrefix)}.`;
    connection.subscribe(`${this.prefix}*`, {
      callback: (error, msg) => (error ? this.failAll(error) : this.settle(msg)),
    });
    void this.watchPermissions();
  }

  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const token = (this.next++).toString(36);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(token, NatsError.errorForCode(ErrorCode.Timeout)), timeoutMs);
      this.pending.set(token, { subject, timer, resolve, reject });
      try {
        this.connection.publish(subject, data, { reply: `${this.prefix}${token}` });
      } catch (error) {
        this.fail(token, error instanceof NatsError ? error : NatsError.errorForCode(ErrorCode.Unknown));
      }
    });
  }

  /** After the connection closed (its subscriptions with it): whatever still waits fails now. */
  closed(): void {
    this.failAll(NatsError.errorForCode(ErrorCode.ConnectionClosed));
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const pending = this.pending.get(token);
    if (!pending) return;
    // An empty 503 is the server saying nobody subscribes to the subject.
    if (msg.data.length === 0 && msg.headers?.code === 503)
      return this.fail(token, NatsError.errorForCode(ErrorCode.NoResponders));
    this.pending.delete(token);
    clearTimeout(pending.timer);
    pending.resolve(msg.data);
  }

  private fail(token: string, error: NatsError): void {
    const pending = this.pending.get(token);
    if (!pending) return;
    this.pending.delete(token);
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private failAll(error: NatsError): void {
    for (const token of [...this.pending.keys()]) this.fail(token, error);
  }

  /** The server refused a publish (the service's user lost that subject): the oldest request on it fails at once. */
  private async watchPermissions(): Promise<void> {
    for await (const status of this.connection.status()) {
      const context = status.permissionContext;
      if (status.type !== Events.Error || context?.operation !== 'publish') continue;
      const token = [...this.pending].find(([, pending]) => pending.subject === context.subject)?.[0];
      if (token !== undefined) this.fail(token, NatsError.errorForCode(ErrorCode.PermissionsViolation));
    }
  }
}
