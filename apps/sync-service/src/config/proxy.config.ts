import { z } from 'zod';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The proxy's limits (`provider.request.v1`, the gateway's proxy route); part of sync-service's environment. */
export const proxyEnv = z.object({
  PROXY_MAX_REQUEST_BYTES: int(0, 16 * 1024 * 1024, 1024 * 1024).describe(
    'Largest request body the proxy forwards to a provider; larger is PAYLOAD_TOO_LARGE and nothing is sent.',
  ),
  // Replies cross NATS (max_payload 4 MB in deploy/nats/nats.conf) JSON-escaped or as base64 (4/3): 2 MiB fits.
  PROXY_MAX_RESPONSE_BYTES: int(1024, 3 * 1024 * 1024, 2 * 1024 * 1024).describe(
    'Largest provider response body the proxy returns; larger is PAYLOAD_TOO_LARGE (the body is not read on).',
  ),
  PROXY_DEADLINE_MS: int(100, 300_000, 30_000).describe(
    'What one proxy request may spend (rate-limit waits and retries included); a caller may ask for less.',
  ),
  PROXY_CHUNK_ITEMS: int(1, 10_000, 500).describe('Items per reply chunk of a paginated proxy request.'),
  PROXY_DEFAULT_MAX_PAGES: int(1, 10_000, 1_000).describe('Page cap of a paginated proxy request that names none.'),
  PROXY_CHUNK_CREDIT_TIMEOUT_MS: int(1_000, 600_000, 60_000).describe(
    'How long a paginated proxy walk waits for its requester to take a chunk before it gives up (TIMEOUT).',
  ),
});
