import { Clock } from '@shelflink/runtime';

/** A Clock that stands still until a test moves it. */
export class ManualClock extends Clock {
  constructor(private current: number = Date.parse('2026-01-01T00:00:00Z')) {
    super();
  }

  override now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(at: Date | number): void {
    this.current = typeof at === 'number' ? at : at.getTime();
  }
}
