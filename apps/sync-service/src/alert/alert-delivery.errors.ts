/** A delivery attempt that failed; its message is stored on the outbox row, so it never holds a URL or a secret. */
export class DeliveryFailed extends Error {
  constructor(
    message: string,
    /** The soonest the next attempt may run, when the target needs longer than the backoff would give. */
    readonly retryNotBeforeMs = 0,
  ) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}
