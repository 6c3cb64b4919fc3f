import { z } from 'zod';

/**
 * Flow control of a request answered in chunks (a paginated proxy walk). The requester says in this header how many
 * chunks it takes unread; the responder sends that many, then one more per credit. Without the header there is none.
 */
export const chunkWindowHeader = 'Shelflink-Chunk-Window';

/** Most chunks a requester may take unread, or credit at once. */
export const MAX_CHUNK_WINDOW = 64;

/**
 * Requester → responder, on the reply subject each chunk carries: `credit` more chunks may come (one per chunk the
 * requester has taken), or `cancel`: the requester is gone, stop.
 */
export const chunkCreditMessage = z.union([
  z.object({ credit: z.number().int().min(1).max(MAX_CHUNK_WINDOW) }),
  z.object({ cancel: z.literal(true) }),
]);
export type ChunkCreditMessage = z.infer<typeof chunkCreditMessage>;
