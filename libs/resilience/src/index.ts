// Public API of @shelflink/resilience: shared rate limits, retry, circuit breakers and single-flight for
// calls to flaky, rate-limited provider APIs.
export {
  ResilienceErrorCode,
  ProviderCallError,
  CircuitOpenError,
  RateLimitWaitTooLong,
  type FailureKind,
  type ProviderCallErrorInit,
} from './resilience.errors.js';
export {
  defaultSleep,
  type BucketConfig,
  type Sleep,
  type TakeOptions,
  type TakeResult,
  type TokenBucket,
} from './token-bucket.port.js';
export { LocalTokenBucket, type LocalTokenBucketOptions } from './local-token-bucket.limiter.js';
export { PostgresTokenBucket, type PostgresTokenBucketOptions, type QueryFn } from './postgres-token-bucket.limiter.js';
export {
  rateLimitFunctionsDownSql,
  rateLimitFunctionsSql,
  rateLimitTableSql,
  type RateLimitTableOptions,
} from './rate-limit.sql.js';
export {
  classifyFailure,
  provesNotProcessed,
  providerErrorFromNetwork,
  providerErrorFromResponse,
  type HttpFailure,
} from './failure.classifier.js';
export { backoffDelay, retryWithBackoff, type RetryEvent, type RetryOptions } from './retry.policy.js';
export { BreakerRegistry, type BreakerHooks, type BreakerOptions, type BreakerState } from './breaker.registry.js';
export { SingleFlight } from './single-flight.coalescer.js';
export { type AttemptEvent, type AttemptObserver, type AttemptRefusal } from './attempt.observer.js';
export { callProvider, type CallProviderOptions, type ProviderAttempt } from './call-provider.pipeline.js';
