import { z } from 'zod';

/** Error codes that cross the bus; stable, documented, and safe to show callers. */
export const busErrorCodes = [
  'INVALID_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'NEEDS_REAUTH',
  'CONFLICT',
  'PROVIDER_UNAVAILABLE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;
export type BusErrorCode = (typeof busErrorCodes)[number];

export const busErrorSchema = z.object({
  error: z.object({
    code: z.enum(busErrorCodes),
    message: z.string(),
    /** INTERNAL only: the id the answering service logged the failure under. */
    errorId: z.string().max(64).optional(),
  }),
});
export type BusErrorReply = z.infer<typeof busErrorSchema>;

/** A typed error a handler throws (or a client receives) with a code from `busErrorCodes`. */
export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BusError';
  }
}
