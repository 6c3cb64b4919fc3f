// The targets the service issues name, so the table shows each one even when its bench is missing or failed.
export const expectedBenches = [
  {
    bench: 'token-get',
    owner: 'auth-service (issue 4)',
    targets: [
      'warm auth.token.get.v1 req/s ≥ 0.5× raw NATS echo',
      'p99 < 5 ms',
      'consumer service getToken via @shelflink/client ≥ 0.7× raw NATS echo (issue 23)',
      'its p99 at 1 in flight < 1 ms',
    ],
  },
  {
    bench: 'webhook-intake',
    owner: 'webhook-ingest (issue 5)',
    targets: [
      'accepted/s ≥ 0.4× bare Fastify + HMAC + INSERT',
      'p99 time-to-2xx < 50 ms',
      'non-2xx = 0',
      'on a 3-node NATS cluster with R3 streams ≥ 0.6× one node (issue 27)',
    ],
  },
  {
    bench: 'sync-throughput',
    owner: 'sync-service (issue 6)',
    targets: ['records/s ≥ 0.5× batched INSERT ... ON CONFLICT', 'peak RSS flat between 10k and 100k orders'],
  },
  {
    bench: 'sync-rate-limit',
    owner: 'sync-service (issue 6)',
    targets: [
      '429s < 1% after warm-up (3 replicas, one shop)',
      'no request before a Retry-After',
      '≥ 0.8× the allowed rate',
      'other shops never limited',
    ],
  },
  {
    bench: 'proxy',
    owner: 'sync-service proxy (issue 24)',
    targets: [
      'GET via NATS and via HTTP ≥ 0.5× a direct GET, 50 in flight',
      'added p50 < 2 ms at 1 in flight',
      'reported: the same with the call log off',
    ],
  },
  {
    bench: 'startup-rss',
    owner: 'bench (issue 7)',
    targets: ['none named; reported beside a bare node -e http server'],
  },
];
