import { describeUnexpected } from './unexpected-error.js';

describe('describeUnexpected', () => {
  it('keeps the name and the frames, never the message', () => {
    const error = new TypeError('token sk_live_secret123 was refused');
    const described = describeUnexpected(error);
    expect(described).not.toContain('sk_live_secret123');
    expect(described.split('\n')[0]).toBe('TypeError');
    expect(described).toMatch(/\n\s+at .*unexpected-error\.spec\.ts/);
  });

  it('says only the type of a thrown value that is not an Error', () => {
    expect(describeUnexpected('password=hunter2')).toBe('string');
    expect(describeUnexpected({ secret: 'x' })).toBe('object');
  });
});
