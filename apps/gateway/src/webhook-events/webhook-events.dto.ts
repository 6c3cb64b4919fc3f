import { receivedEventStatuses } from '@shelflink/contracts';
import { HttpApiError } from '@shelflink/observability';
import { z } from 'zod';

export const listEventsQuery = z.object({
  connectionId: z.string().min(1).max(64).optional(),
  status: z.enum(receivedEventStatuses).optional(),
  before: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const replayRangeBody = z.object({
  connectionId: z.string().min(1).max(64),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
});

export const requeueBody = z.object({ eventIds: z.array(z.uuid()).min(1).max(500).optional() }).strict();

export const eventIdParam = z.uuid();

export const deadLettersQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** Parses caller input; the first problem becomes 400 VALIDATION_FAILED naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'body';
  throw new HttpApiError(400, 'VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`);
}
