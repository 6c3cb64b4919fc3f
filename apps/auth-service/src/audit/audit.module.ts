import { Module } from '@nestjs/common';
import { AuditRetentionService } from './audit-retention.service.js';
import { AuditRepository } from './audit.repository.js';

/** The credential audit log and its retention. */
@Module({
  providers: [AuditRepository, AuditRetentionService],
  exports: [AuditRepository],
})
export class AuditModule {}
