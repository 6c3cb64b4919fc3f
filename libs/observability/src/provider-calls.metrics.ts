import { Counter } from 'prom-client';
import { metricsRegistry } from './metrics.js';

/** Every provider call attempt of this service, by provider and status class; the error and 429 rates come from it. */
export const providerCalls = new Counter({
  name: 'shelflink_provider_requests_total',
  help: 'Provider API call attempts by provider and status class (2xx, 3xx, 4xx, 429, 5xx, network)',
  labelNames: ['provider', 'status_class'] as const,
  registers: [metricsRegistry],
});

/** `429` on its own (rate limiting is what the shared budget exists to prevent), `network` for no answer. */
export function statusClass(status: number): string {
  if (status === 0) return 'network';
  if (status === 429) return '429';
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`;
}

export function countProviderCall(provider: string, status: number): void {
  providerCalls.inc({ provider, status_class: statusClass(status) });
}
