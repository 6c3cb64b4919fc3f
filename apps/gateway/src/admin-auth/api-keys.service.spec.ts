import { HttpApiError } from '@shelflink/observability';
import { bearerKey } from './api-keys.service.js';

describe('bearerKey', () => {
  it('takes the key of a Bearer header, whatever the case of the scheme', () => {
    expect(bearerKey('Bearer slk_abc')).toBe('slk_abc');
    expect(bearerKey('bearer slk_abc')).toBe('slk_abc');
  });

  it.each(['', 'Bearer', 'Bearer ', 'Bearer  slk_abc', 'Bearer slk_abc extra', 'Basic dXNlcjpwYXNz', 'slk_abc'])(
    'refuses %j with 401 UNAUTHENTICATED',
    (header) => {
      const refusal = catchOf(() => bearerKey(header));
      expect(refusal).toBeInstanceOf(HttpApiError);
      expect(refusal).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    },
  );
});

function catchOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}
