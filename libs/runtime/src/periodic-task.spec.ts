import { jest } from '@jest/globals';
import { PeriodicTask } from './periodic-task.js';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const logger = () => ({ warn: jest.fn<(message: string) => void>() });

  it('runs now when asked, then every interval, until stopped', async () => {
    let runs = 0;
    const task = new PeriodicTask('count', async () => void runs++, logger());
    task.start(1_000, { immediately: true });
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(4);
    task.stop();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(4);
  });

  it('never overlaps a run that is still going', async () => {
    let started = 0;
    let finish: () => void = () => undefined;
    const task = new PeriodicTask(
      'slow',
      () => {
        started++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      logger(),
    );
    task.start(100);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(1);
    finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(started).toBe(2);
    task.stop();
  });

  it('logs a failure with its name and tries again at the next tick', async () => {
    const log = logger();
    let calls = 0;
    const task = new PeriodicTask(
      'prune',
      async () => {
        if (++calls === 1) throw new Error('database is down');
      },
      log,
    );
    task.start(500);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
    expect(log.warn.mock.calls).toEqual([['prune failed: database is down']]);
    task.stop();
  });
});
