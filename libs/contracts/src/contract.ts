import type { z } from 'zod';
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
