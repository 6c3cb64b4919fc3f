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
