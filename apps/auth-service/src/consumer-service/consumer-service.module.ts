import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConnectionLifecycleModule } from '../connection-lifecycle/connection-lifecycle.module.js';
import { TokenModule } from '../token/token.module.js';
import { ConsumerAccessService } from './consumer-access.service.js';
import { ConsumerAdminHandler } from './consumer-admin.handler.js';
import { ConsumerGrantsService } from './consumer-grants.service.js';
import { ConsumerRequestsResponder } from './consumer-requests.responder.js';
import { ConsumerServiceRepository } from './consumer-service.repository.js';

/** Consumer services: their grants, the operator's subjects for them, and their token and signing subjects. */
@Module({
  imports: [AuditModule, TokenModule, ConnectionLifecycleModule],
  controllers: [ConsumerAdminHandler],
  providers: [ConsumerServiceRepository, ConsumerGrantsService, ConsumerAccessService, ConsumerRequestsResponder],
})
export class ConsumerServiceModule {}
