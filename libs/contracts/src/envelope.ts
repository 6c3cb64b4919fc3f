import { z } from 'zod';

/** The envelope of every durable event: `id` is the idempotency key consumers dedupe on. */
export function envelopeSchema<P extends z.ZodType>(payload: P) {
  return z.object({
    id: z.string().min(1),
    subject: z.string().min(1),
    occurredAt: z.iso.datetime(),
    correlationId: z.string().optional(),
    payload,
  });
}

export type Envelope<P> = {
  id: string;
  subject: string;
  occurredAt: string;
  correlationId?: string;
  payload: P;
};
