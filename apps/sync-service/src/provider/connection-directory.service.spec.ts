import { BusError, type RequestContract } from '@shelflink/contracts';
import type { NatsClient } from '@shelflink/messaging';
import type { z } from 'zod';
import { ConnectionDirectory } from './connection-directory.service.js';

interface Asked {
  subject: string;
  payload: Record<string, unknown>;
}

/** auth-service as the directory sees it: tenant A owns conn-1; everything else is NOT_FOUND, as auth-service says. */
function authService(asked: Asked[]): NatsClient {
  const request = (contract: RequestContract<z.ZodType, z.ZodType>, payload: Record<string, unknown>) => {
    asked.push({ subject: contract.subject, payload });
    if (payload.tenantId !== 'tenant-a' || payload.connectionId !== 'conn-1')
      return Promise.reject(new BusError('NOT_FOUND', 'No such connection'));
    if (contract.subject === 'auth.internal.connection.lookup.v1')
      return Promise.resolve({
        id: 'conn-1',
        tenantId: 'tenant-a',
        provider: 'square',
        alias: 'a',
        status: 'active',
        metadata: {},
      });
    return Promise.resolve({
      accessToken: `token-of-${typeof payload.service === 'string' ? payload.service : 'sync'}`,
      tokenType: 'bearer',
      expiresAt: null,
      headers: { Authorization: 'Bearer x' },
    });
  };
  return { request } as unknown as NatsClient;
}

describe('ConnectionDirectory caches', () => {
  it("never answers another tenant's request for a connection from the cache", async () => {
    const asked: Asked[] = [];
    const directory = new ConnectionDirectory(authService(asked));
    await directory.authHeaders('tenant-a', 'conn-1');
    await directory.authHeaders('tenant-a', 'conn-1');
    expect(asked).toHaveLength(1);
    await expect(directory.authHeaders('tenant-b', 'conn-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(directory.lookup('tenant-a', 'conn-1', true)).resolves.toMatchObject({ id: 'conn-1' });
    await expect(directory.lookup('tenant-b', 'conn-1', true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(asked.map((entry) => entry.payload.tenantId)).toEqual(['tenant-a', 'tenant-b', 'tenant-a', 'tenant-b']);
  });

  it("keeps a consumer service's token apart from sync-service's, so its grants are checked", async () => {
    const asked: Asked[] = [];
    const directory = new ConnectionDirectory(authService(asked));
    await directory.authHeaders('tenant-a', 'conn-1');
    await directory.authHeaders('tenant-a', 'conn-1', 'forecaster');
    await directory.authHeaders('tenant-a', 'conn-1', 'forecaster');
    expect(asked.map((entry) => [entry.subject, entry.payload.service])).toEqual([
      ['auth.token.get.v1', undefined],
      ['auth.internal.proxy.token.get.v1', 'forecaster'],
    ]);
  });
});

describe('ConnectionDirectory TBA signatures', () => {
  const account = {
    connection: { tenantId: 'tenant-a', id: 'conn-1', authMode: 'tba' },
  } as unknown as Parameters<ConnectionDirectory['authFor']>[0];
  const url = 'https://1234567.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql';

  /** auth-service's signer failing `failures` times with `code` before it answers. */
  function signer(failures: number, code: 'TIMEOUT' | 'FORBIDDEN'): { nats: NatsClient; asked: () => number } {
    let asked = 0;
    const request = () => {
      asked += 1;
      if (asked <= failures) return Promise.reject(new BusError(code, 'no answer'));
      return Promise.resolve({ headers: { Authorization: 'OAuth realm="1234567"' } });
    };
    return { nats: { request } as unknown as NatsClient, asked: () => asked };
  }

  it('asks again when a signature reply times out, up to three times in all', async () => {
    const slow = signer(2, 'TIMEOUT');
    await expect(new ConnectionDirectory(slow.nats).authFor(account, 'POST', url)).resolves.toMatchObject({
      headers: { Authorization: 'OAuth realm="1234567"' },
    });
    expect(slow.asked()).toBe(3);
    const silent = signer(3, 'TIMEOUT');
    await expect(new ConnectionDirectory(silent.nats).authFor(account, 'POST', url)).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(silent.asked()).toBe(3);
  });

  it('never asks again after a refusal', async () => {
    const refusing = signer(1, 'FORBIDDEN');
    await expect(new ConnectionDirectory(refusing.nats).authFor(account, 'POST', url)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(refusing.asked()).toBe(1);
  });
});
