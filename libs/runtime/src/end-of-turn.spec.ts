import { EndOfTurn } from './end-of-turn.js';

describe('EndOfTurn', () => {
  const turnEnd = () => new Promise((resolve) => setImmediate(resolve));

  it('flushes once at the end of a turn however often it was scheduled, and again in a later turn', async () => {
    let flushes = 0;
    const endOfTurn = new EndOfTurn(() => flushes++);
    endOfTurn.schedule();
    endOfTurn.schedule();
    expect(flushes).toBe(0);
    await turnEnd();
    expect(flushes).toBe(1);
    endOfTurn.schedule();
    await turnEnd();
    expect(flushes).toBe(2);
  });
});
