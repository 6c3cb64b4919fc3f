import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/**
 * `auth.sign.tba.v1`: NetSuite TBA signs every request, so callers send the request and get the `Authorization`
 * header back instead of a token; consumer and token secrets never leave auth-service.
 */
export const tbaSignRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  url: z.url().max(4096),
});
export const tbaSignResponse = z.object({ headers: z.record(z.string(), z.string()) });
export const tbaSignContract = defineRequest(subjects.authTbaSign, tbaSignRequest, tbaSignResponse);
/** The same request from a consumer service, on `auth.sign.tba.v1.<its name>`. */
export const consumerTbaSignContract = defineRequest(subjects.consumerTbaSign, tbaSignRequest, tbaSignResponse);
export type TbaSignRequest = z.infer<typeof tbaSignRequest>;
export type TbaSignResponse = z.infer<typeof tbaSignResponse>;
