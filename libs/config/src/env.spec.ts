import { ConfigError, natsEnv, natsStreamsEnv, parseEnv } from './env.js';

describe('natsEnv', () => {
  const base = { NATS_USER: 'sync-service', NATS_PASSWORD: 'pw' };

  it('takes a list of servers, every one a nats:// or tls:// URL', () => {
    const env = { ...base, NATS_URL: 'nats://n1:4222,nats://n2:4222,tls://n3:4222' };
    expect(parseEnv(natsEnv, env).NATS_URL).toBe(env.NATS_URL);
    for (const bad of ['nats://n1:4222,http://n2', 'nats://n1:4222,', 'nats://n1 ,nats://n2'])
      expect(() => parseEnv(natsEnv, { ...base, NATS_URL: bad })).toThrow(/NATS_URL is invalid/);
  });
});

describe('natsStreamsEnv', () => {
  it('defaults to one replica and no placement tags', () => {
    expect(parseEnv(natsStreamsEnv, {})).toEqual({ NATS_STREAM_REPLICAS: 1, NATS_STREAM_PLACEMENT_TAGS: [] });
  });

  it('reads an empty variable as unset (compose writes `${X:-}` so)', () => {
    const env = { NATS_STREAM_REPLICAS: '', NATS_STREAM_PLACEMENT_TAGS: '' };
    expect(parseEnv(natsStreamsEnv, env)).toEqual({ NATS_STREAM_REPLICAS: 1, NATS_STREAM_PLACEMENT_TAGS: [] });
    expect(() => parseEnv(natsEnv, { NATS_URL: 'nats://n1:4222', NATS_USER: '', NATS_PASSWORD: 'pw' })).toThrow(
      /NATS_USER is not set/,
    );
  });

  it('reads replicas and comma-separated tags', () => {
    const env = { NATS_STREAM_REPLICAS: '3', NATS_STREAM_PLACEMENT_TAGS: 'ssd,az:east-1' };
    expect(parseEnv(natsStreamsEnv, env)).toEqual({
      NATS_STREAM_REPLICAS: 3,
      NATS_STREAM_PLACEMENT_TAGS: ['ssd', 'az:east-1'],
    });
  });

  it('refuses replicas outside 1..5 and malformed tags, naming the variable', () => {
    for (const replicas of ['0', '6', '2.5', 'three'])
      expect(() => parseEnv(natsStreamsEnv, { NATS_STREAM_REPLICAS: replicas })).toThrow(ConfigError);
    expect(() => parseEnv(natsStreamsEnv, { NATS_STREAM_PLACEMENT_TAGS: 'a,,b' })).toThrow(
      /NATS_STREAM_PLACEMENT_TAGS is invalid/,
    );
  });
});
