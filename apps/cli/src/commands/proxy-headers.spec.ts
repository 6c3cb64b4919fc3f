import { UsageError } from '../command.js';
import { proxyHeaders } from './proxy-headers.js';

const refusal = (lines: string[]): string => {
  try {
    proxyHeaders(lines);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${lines.join(' | ')} was accepted`);
};

describe('proxyHeaders (api --header)', () => {
  it('sends nothing when no --header was given', () => {
    expect(proxyHeaders(undefined)).toBeUndefined();
    expect(proxyHeaders([])).toBeUndefined();
  });

  it("takes 'Name: value' lines on the proxy's allow-list, lower-cased, values trimmed and kept whole", () => {
    expect(proxyHeaders(['Prefer: transient', 'If-None-Match:  "v1:a"  ', 'accept:application/json'])).toEqual({
      prefer: 'transient',
      'if-none-match': '"v1:a"',
      accept: 'application/json',
    });
  });

  it.each([['Authorization: Bearer mine'], ['Cookie: a=b'], ['X-Shopify-Access-Token: shpat_1'], ['Host: evil']])(
    'refuses %j, which the proxy would drop, naming what it forwards',
    (line) => {
      expect(refusal([line])).toMatch(/^--header [a-z-]+ is not sent by the proxy \(auth is its own\); it forwards /);
      expect(refusal([line])).toContain('prefer');
    },
  );

  it.each([['Prefer transient'], [': transient'], ['Pre fer: transient'], ['Prefer\r\nX-Evil: 1']])(
    "refuses %j, which is not 'Name: value'",
    (line) => {
      expect(refusal([line])).toMatch(/^--header takes 'Name: value'/);
    },
  );

  it('refuses a control character in a value', () => {
    expect(refusal(['Prefer: transient\r\nX-Evil: 1'])).toBe('--header prefer holds a control character');
  });
});
