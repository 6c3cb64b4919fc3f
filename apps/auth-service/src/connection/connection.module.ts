import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { VaultModule } from '../vault/vault.module.js';
import { ConnectionEventsPublisher } from './connection-events.publisher.js';
import { ConnectionRepository } from './connection.repository.js';
import { ConnectionService } from './connection.service.js';

/** Connections and the credentials they are created with. */
@Module({
  imports: [AuditModule, VaultModule, ProviderModule],
  providers: [ConnectionEventsPublisher, ConnectionRepository, ConnectionService],
  exports: [ConnectionRepository, ConnectionService],
})
export class ConnectionModule {}
