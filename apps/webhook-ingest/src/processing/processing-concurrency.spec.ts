import { processingConcurrency } from './event-processor.service.js';

describe('processingConcurrency', () => {
  const config = {
    WEBHOOK_PROCESSING_CONCURRENCY: 32,
    WEBHOOK_PROCESSING_CONCURRENCY_DURING_INTAKE: 8,
    WEBHOOK_PROCESSING_MAX_DEFERRED: 1_000,
  };

  it('gives way to intake while deliveries arrive and the backlog is short', () => {
    expect(processingConcurrency(config, true, 0)).toBe(8);
    expect(processingConcurrency(config, true, 999)).toBe(8);
  });

  it('takes full width once intake pauses, or once the backlog reaches the limit', () => {
    expect(processingConcurrency(config, false, 0)).toBe(32);
    expect(processingConcurrency(config, true, 1_000)).toBe(32);
    expect(processingConcurrency(config, true, 50_000)).toBe(32);
  });

  it('never narrows when the limit is 0', () => {
    expect(processingConcurrency({ ...config, WEBHOOK_PROCESSING_MAX_DEFERRED: 0 }, true, 0)).toBe(32);
  });
});
