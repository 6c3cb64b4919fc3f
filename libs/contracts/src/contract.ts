import type { z } from 'zod';
import { BusError, busErrorSchema } from './errors.js';
import type { Subject } from './subjects.js';

/** A request/reply contract: its subject and the schemas of both directions, parsed at every boundary. */
export interface RequestContract<Req extends z.ZodType, Res extends z.ZodType> {
  readonly subject: Subject;
  readonly request: Req;
  readonly response: Res;
}

export function defineRequest<Req extends z.ZodType, Res extends z.ZodType>(
  subject: Subject,
  request: Req,
  response: Res,
): RequestContract<Req, Res> {
  return { subject, request, response };
}

/** Parses a request at either end of the bus; a bad payload is `INVALID_REQUEST`, never a crash. */
export function parseRequest<Req extends z.ZodType, Res extends z.ZodType>(
  contract: RequestContract<Req, Res>,
  data: unknown,
): z.output<Req> {
  return parsePayload(contract.request, data, `${contract.subject} request`);
}

/** Parses `data` with `schema`; a mismatch is `INVALID_REQUEST` naming `what` and the first bad field. */
export function parsePayload<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new BusError('INVALID_REQUEST', `Invalid ${what}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Parses a decoded reply: an error reply is thrown as its `BusError`, anything else must match the contract. */
export function parseReply<Req extends z.ZodType, Res extends z.ZodType>(
  contract: RequestContract<Req, Res>,
  decoded: unknown,
): z.output<Res> {
  // Only an object with an `error` key can be an error reply: a failed safeParse builds its issues, on the hot path.
  const failure = hasErrorKey(decoded) ? busErrorSchema.safeParse(decoded) : undefined;
  if (failure?.success) {
    const { code, message, reason } = failure.data.error;
    throw new BusError(code, message, reason);
  }
  const parsed = contract.response.safeParse(decoded);
  if (!parsed.success) throw new BusError('INTERNAL', `Malformed reply on ${contract.subject}`);
  return parsed.data;
}

const hasErrorKey = (decoded: unknown): boolean =>
  typeof decoded === 'object' && decoded !== null && 'error' in decoded;
