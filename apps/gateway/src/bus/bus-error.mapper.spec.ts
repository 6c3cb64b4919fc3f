import { BusError } from '@shelflink/contracts';
import { HttpApiError } from '@shelflink/observability';
import { z } from 'zod';
import { toHttpError, validate } from './bus-error.mapper.js';

describe('toHttpError', () => {
  it('turns a reason-prefixed INVALID_REQUEST into that code with 400', () => {
    const error = toHttpError(new BusError('INVALID_REQUEST', 'OAUTH_STATE_REPLAYED: This state was already used'));
    expect(error).toBeInstanceOf(HttpApiError);
    expect(error).toMatchObject({ status: 400, code: 'OAUTH_STATE_REPLAYED', message: 'This state was already used' });
  });

  it('turns a request too large for the bus (max_payload) into 413 PAYLOAD_TOO_LARGE', () => {
    const error = toHttpError(
      new BusError('INVALID_REQUEST', 'PAYLOAD_TOO_LARGE: The request is larger than the bus carries'),
    );
    expect(error).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it.each([
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['NEEDS_REAUTH', 409],
    ['UNAVAILABLE', 503],
    ['TIMEOUT', 503],
    ['PROVIDER_UNAVAILABLE', 502],
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
