/** A delivery attempt that failed; its message is stored on the outbox row, so it never holds a URL or a secret. */
export class DeliveryFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}
