import { Module } from '@nestjs/common';
import { CredentialRepository } from './credential.repository.js';
import { KeyRotationService } from './key-rotation.service.js';
import { VaultService } from './vault.service.js';

/** Sealed credentials, their versions, and master-key rotation. */
@Module({
  providers: [VaultService, CredentialRepository, KeyRotationService],
  exports: [VaultService, CredentialRepository, KeyRotationService],
})
export class VaultModule {}
