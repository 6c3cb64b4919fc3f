import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthConfig } from '../config/auth.config.js';
import { CredentialRepository } from './credential.repository.js';
import { VaultService } from './vault.service.js';

/**
 * Re-encrypts every credential row under the active key in batches. Progress lives in the rows themselves
 * (`key_id`), so a rotation killed half-way simply resumes where the remaining rows are.
 */
@Injectable()
export class KeyRotationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeyRotationService.name);
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly config: AuthConfig,
    private readonly credentials: CredentialRepository,
    private readonly vault: VaultService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUTH_ROTATE_ON_BOOT) void this.start();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  get rotating(): boolean {
    return this.running !== undefined;
  }

  /** Starts a background rotation unless one runs; resolves with the rows rewrapped. */
  start(): Promise<number> {
    this.running ??= this.rotateAll()
      .catch((error: unknown) => {
        this.logger.error(`key rotation stopped: ${error instanceof Error ? error.message : 'unknown error'}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async status(): Promise<{ activeKeyId: string; rowsByKey: Record<string, number>; rotating: boolean }> {
    return {
      activeKeyId: this.vault.keyring.activeKeyId,
      rowsByKey: await this.credentials.countByKey(),
      rotating: this.rotating,
    };
  }

  private async rotateAll(): Promise<number> {
    const active = this.vault.keyring.activeKeyId;
    let total = 0;
    const failed = new Set<string>();
    while (!this.stopped) {
      const batch = (
        await this.credentials.findNotUnderKey(active, this.config.AUTH_ROTATION_BATCH_SIZE + failed.size)
      ).filter((row) => !failed.has(row.connectionId));
      if (batch.length === 0) break;
      for (const row of batch) {
        try {
          const plain = this.vault.openAll(row.tenantId, row.connectionId, row.secrets);
          if (
            await this.credentials.writeRewrapped(
              row.connectionId,
              row.version,
              this.vault.sealAll(row.tenantId, row.connectionId, plain),
            )
          )
            total++;
        } catch {
          // A row that cannot be opened (unknown or retired key) is left for an operator, never dropped.
          failed.add(row.connectionId);
          this.logger.warn(`key rotation cannot open credentials of connection ${row.connectionId}`);
        }
      }
      if (this.config.AUTH_ROTATION_BATCH_DELAY_MS > 0) await sleep(this.config.AUTH_ROTATION_BATCH_DELAY_MS);
    }
    if (total > 0) this.logger.log(`key rotation rewrapped ${total} credential rows under ${active}`);
    return total;
  }
}
