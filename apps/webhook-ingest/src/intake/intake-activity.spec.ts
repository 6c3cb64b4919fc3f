import { jest } from '@jest/globals';
import { IntakeActivity } from './intake-activity.js';

describe('IntakeActivity', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is busy while a delivery is answered and for a short quiet gap after the last one', async () => {
    const activity = new IntakeActivity();
    expect(activity.busy).toBe(false);
    let finish!: (value: string) => void;
    const delivery = activity.track(() => new Promise<string>((resolve) => (finish = resolve)));
    expect(activity.busy).toBe(true);
    jest.advanceTimersByTime(1_000);
    expect(activity.busy).toBe(true);
    finish('stored');
    await expect(delivery).resolves.toBe('stored');
    jest.advanceTimersByTime(40);
    expect(activity.busy).toBe(true);
    jest.advanceTimersByTime(20);
    expect(activity.busy).toBe(false);
  });

  it('counts a delivery that fails as ended, and passes the failure on', async () => {
    const activity = new IntakeActivity();
    await expect(activity.track(() => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    jest.advanceTimersByTime(60);
    expect(activity.busy).toBe(false);
  });
});
