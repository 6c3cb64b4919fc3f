interface Waiter<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches concurrent calls per key within one process: the first call for a key runs at once; calls that arrive while
 * it is in flight wait and then run together as one batch (at most `maxBatch`), and so on until none wait. Nothing is
 * delayed to collect a batch: a lone caller pays one round trip, as without batching.
 */
export class KeyedBatcher<In, Out> {
  private readonly waiting = new Map<string, Waiter<In, Out>[]>();

  /** `runBatch(key, inputs)` answers one output per input, in order. */
  constructor(
    private readonly runBatch: (key: string, inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch = 100,
  ) {}

  call(key: string, input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      const queue = this.waiting.get(key);
      if (queue) {
        queue.push({ input, resolve, reject });
        return;
      }
      this.waiting.set(key, [{ input, resolve, reject }]);
      void this.drain(key);
    });
  }

  // The key's queue exists while a batch of it is in flight; a call arriving meanwhile joins the next batch.
  private async drain(key: string): Promise<void> {
    const queue = this.waiting.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const outputs = await this.runBatch(
          key,
          batch.map((waiter) => waiter.input),
        );
        if (outputs.length !== batch.length) throw new Error('A batch must answer one output per input');
        batch.forEach((waiter, i) => waiter.resolve(outputs[i]!));
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.waiting.delete(key);
  }
}
