import { isUnder } from './return-urls.service.js';

describe('isUnder (return URL allow-list)', () => {
  it.each([
    ['https://app.example.com/done', 'https://app.example.com/done', true],
    ['https://app.example.com/done?ref=1', 'https://app.example.com/done', true],
    ['https://app.example.com/done/step', 'https://app.example.com/done', true],
    ['https://app.example.com/any', 'https://app.example.com/', true],
    ['https://app.example.com/done-evil', 'https://app.example.com/done', false],
    ['https://app.example.com.evil.test/done', 'https://app.example.com', false],
    ['https://evil.test/?https://app.example.com/done', 'https://app.example.com/done', false],
  ])('%s under %s: %s', (url, prefix, expected) => {
    expect(isUnder(url, prefix)).toBe(expected);
  });
});
