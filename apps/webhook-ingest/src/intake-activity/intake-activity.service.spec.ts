import { jest } from '@jest/globals';
import type { WebhookConfig } from '../config/webhook.config.js';
import { IntakeActivity } from './intake-activity.service.js';

const activityWithThreshold = (inFlight: number) =>
  new IntakeActivity({ WEBHOOK_INTAKE_SATURATION_IN_FLIGHT: inFlight } as WebhookConfig);

describe('IntakeActivity', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is busy while a delivery is answered and for a short quiet gap after the last one', async () => {
    const activity = activityWithThreshold(2);
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
    const activity = activityWithThreshold(2);
    await expect(activity.track(() => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    jest.advanceTimersByTime(60);
    expect(activity.busy).toBe(false);
  });

  it('is saturated while deliveries queue and for a short quiet gap after, not while they come one at a time', async () => {
    const activity = activityWithThreshold(2);
    const finishers: (() => void)[] = [];
    const deliver = () => activity.track(() => new Promise<void>((resolve) => finishers.push(resolve)));
    const first = deliver();
    expect(activity.busy).toBe(true);
    expect(activity.saturated).toBe(false);
    const second = deliver();
    expect(activity.saturated).toBe(true);
    jest.advanceTimersByTime(1_000);
    expect(activity.saturated).toBe(true);
    finishers.shift()?.();
    await first;
    jest.advanceTimersByTime(40);
    expect(activity.saturated).toBe(true);
    jest.advanceTimersByTime(20);
    expect(activity.saturated).toBe(false);
    expect(activity.busy).toBe(true);
    finishers.shift()?.();
    await second;
  });

  it('is never saturated when the threshold is 0', async () => {
    const activity = activityWithThreshold(0);
    const pending = [1, 2, 3].map(() => activity.track(() => new Promise(() => undefined)));
    expect(pending).toHaveLength(3);
    expect(activity.busy).toBe(true);
    expect(activity.saturated).toBe(false);
  });
});
