import { consumerPermissions, consumerSubject, feedStreamFor, serviceOfSubject } from './consumer-service.js';
import { subjects } from '../subjects.js';

describe('consumer service identity', () => {
  it('names the caller by the last subject token, and only a valid name', () => {
    expect(consumerSubject(subjects.consumerTokenGet, 'forecaster')).toBe('auth.token.get.v1.forecaster');
    expect(serviceOfSubject('auth.token.get.v1.forecaster')).toBe('forecaster');
    expect(serviceOfSubject('auth.sign.tba.v1.stock-watcher')).toBe('stock-watcher');
    expect(serviceOfSubject('auth.token.get.v1.Bad_Name')).toBeUndefined();
  });

  it('grants a service its own subjects, feed stream and inbox, and nothing with a wildcard beyond them', () => {
    const { publish, subscribe } = consumerPermissions('stock-watcher');
    expect(feedStreamFor('stock-watcher')).toBe('FEED_STOCK-WATCHER');
    expect(subscribe).toEqual(['_INBOX_svc_stock-watcher.>']);
    expect(publish).toContain('auth.token.get.v1.stock-watcher');
    expect(publish).toContain('auth.sign.tba.v1.stock-watcher');
    expect(publish).toContain('provider.request.v1.stock-watcher');
    expect(publish).toContain('provider.credit.v1.*.stock-watcher');
    for (const subject of publish) {
      expect(
        /^(auth|provider)\./.test(subject)
          ? subject.endsWith('.stock-watcher')
          : subject.includes('FEED_STOCK-WATCHER'),
      ).toBe(true);
    }
  });
});
