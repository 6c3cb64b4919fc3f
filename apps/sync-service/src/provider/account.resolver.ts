import { Injectable } from '@nestjs/common';
import { ConnectionDirectory } from './connection-directory.service.js';
import { ProviderCatalog, type ProviderAccount } from './provider-catalog.service.js';
import { SyncError } from './provider.errors.js';

/** A connection id → the provider account to call, via auth-service's lookup (never secrets). */
@Injectable()
export class AccountResolver {
  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly catalog: ProviderCatalog,
  ) {}

  /** `reuseLookup`: a connection status up to a few seconds old will do (the proxy). */
  async resolve(tenantId: string, connectionId: string, reuseLookup = false): Promise<ProviderAccount> {
    const connection = await this.directory.lookup(tenantId, connectionId, reuseLookup);
    if (connection.status === 'revoked')
      throw new SyncError('CONNECTION_REVOKED', `Connection ${connectionId} is revoked`);
    if (connection.status === 'needs_reauth')
      throw new SyncError('NEEDS_REAUTH', `Connection ${connectionId} needs re-authorization; reconnect it`);
    if (connection.status !== 'active') {
      throw new SyncError('CONNECTION_UNAVAILABLE', `Connection ${connectionId} is ${connection.status}`);
    }
    return this.catalog.accountFor(connection);
  }
}
