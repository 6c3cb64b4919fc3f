import { Global, Injectable, Module } from '@nestjs/common';

/** The wall clock services read, injected so service-level tests can move time instead of waiting for it. */
@Injectable()
export class Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number {
    return Date.now();
  }

  date(): Date {
    return new Date(this.now());
  }
}

/** Provides the system Clock to the whole app; ServiceCoreModule imports it. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
