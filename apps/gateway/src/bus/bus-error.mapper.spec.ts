import { BusError, busErrorCodes, errorReasons, webhookRefusalReasons } from '@shelflink/contracts';
import { HttpApiError } from '@shelflink/observability';
import { z } from 'zod';
import { httpStatusOf, toHttpError, validate } from './bus-error.mapper.js';

describe('toHttpError', () => {
  it("answers a refusal with its reason as the HTTP code, under the reason's status", () => {
    const error = toHttpError(new BusError('INVALID_REQUEST', 'This state was already used', 'OAUTH_STATE_REPLAYED'));
    expect(error).toBeInstanceOf(HttpApiError);
    expect(error).toMatchObject({ status: 400, code: 'OAUTH_STATE_REPLAYED', message: 'This state was already used' });
  });

  it('turns a request too large for the bus (max_payload) into 413 PAYLOAD_TOO_LARGE', () => {
    const error = toHttpError(
      new BusError('INVALID_REQUEST', 'The request is larger than the bus carries', 'PAYLOAD_TOO_LARGE'),
    );
    expect(error).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('reads no code out of a message: without a reason, INVALID_REQUEST is BAD_REQUEST with the message as sent', () => {
    const error = toHttpError(new BusError('INVALID_REQUEST', 'PAYLOAD_TOO_LARGE: looks like a code'));
    expect(error).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: 'PAYLOAD_TOO_LARGE: looks like a code' });
  });

  it.each([
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['NEEDS_REAUTH', 409],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['UNAVAILABLE', 503],
    ['TIMEOUT', 503],
    ['PROVIDER_UNAVAILABLE', 502],
    ['RATE_LIMITED', 502],
    ['INTERNAL', 500],
  ] as const)('maps %s to %i', (code, status) => {
    expect(toHttpError(new BusError(code, 'x'))).toMatchObject({ status });
  });

  it('hides unknown errors behind INTERNAL', () => {
    expect(toHttpError(new Error('secret detail'))).toMatchObject({
      status: 500,
      code: 'INTERNAL',
      message: 'Internal error',
    });
  });
});

describe('httpStatusOf', () => {
  it('gives every bus code and every reason a status callers already see', () => {
    for (const key of [...busErrorCodes, ...errorReasons]) expect(httpStatusOf(key)).toBeGreaterThanOrEqual(400);
    expect(webhookRefusalReasons.map((reason) => [reason, httpStatusOf(reason)])).toEqual([
      ['UNKNOWN_CONNECTION', 404],
      ['MISSING_SECRET', 401],
      ['MISSING_SIGNATURE', 401],
      ['MALFORMED_SIGNATURE', 401],
      ['BAD_SIGNATURE', 401],
      ['TIMESTAMP_OUT_OF_TOLERANCE', 401],
      ['MISSING_DEDUP_ID', 400],
      ['MALFORMED_BODY', 400],
      ['ACCOUNT_MISMATCH', 403],
      ['MISSING_ACCOUNT_KEY', 400],
      ['NO_APP_ROUTE', 404],
    ]);
  });
});

describe('validate', () => {
  it('names the first invalid field', () => {
    let thrown: unknown;
    try {
      validate(z.object({ provider: z.string() }), {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('provider') as string,
    });
  });

  it('names a path parameter by the name it is given', () => {
    expect(() => validate(z.uuid(), 'not-a-uuid', 'id')).toThrow(/^id: /);
  });
});
