import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret string that does not print itself: `String()`, `JSON.stringify` and `util.inspect` all show
 * `[redacted]`. Call {@link SecretValue.reveal} at the one place the value is used.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; keep the result out of logs and error messages. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
