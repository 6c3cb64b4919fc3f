import { receivedEventStatuses } from '@shelflink/contracts';
import { z } from 'zod';

export const listEventsQuery = z.object({
  connectionId: z.string().min(1).max(64).optional(),
  status: z.enum(receivedEventStatuses).optional(),
  before: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const replayRangeBody = z
  .object({
    connectionId: z.string().min(1).max(64),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
  })
  .refine((range) => Date.parse(range.from) < Date.parse(range.to), {
    path: ['to'],
    message: 'must be after `from`',
  });

export const requeueBody = z.object({ eventIds: z.array(z.uuid()).min(1).max(500).optional() }).strict();

export const eventIdParam = z.uuid();

export const deadLettersQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
