import { metricsRegistry } from '@shelflink/observability';
import { Counter } from 'prom-client';

/** Tokens and signatures served to or refused for each consumer service. */
export const consumerRequestsTotal = new Counter({
  name: 'shelflink_auth_consumer_requests_total',
  help: 'Token and signing requests of consumer services, by service, request (token, sign) and outcome (ok or code)',
  labelNames: ['service', 'request', 'outcome'] as const,
  registers: [metricsRegistry],
});
