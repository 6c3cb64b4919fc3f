import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  adminApiKeyCreateContract,
  adminConnectionsListContract,
  adminConnectionTestContract,
  adminKeysRotateContract,
  adminKeysStatusContract,
  adminTenantCreateContract,
  adminTokenCacheClearContract,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { ConnectionLifecycleService } from '../connection-lifecycle/connection-lifecycle.service.js';
import { ConnectionService } from '../connection/connection.service.js';
import { TenantService } from '../tenant/tenant.service.js';
import { TokenService } from '../token/token.service.js';
import { KeyRotationService } from '../vault/key-rotation.service.js';

/** Operator subjects (`auth.admin.*`): only the operator NATS user may publish them (deploy/nats/nats.conf). */
@BusController()
export class AdminHandler {
  constructor(
    private readonly tenants: TenantService,
    private readonly connections: ConnectionService,
    private readonly lifecycle: ConnectionLifecycleService,
    private readonly rotation: KeyRotationService,
    private readonly tokens: TokenService,
  ) {}

  @MessagePattern(adminTenantCreateContract.subject)
  async createTenant(@Payload() data: unknown) {
    const request = parseRequest(adminTenantCreateContract, data);
    return { tenantId: request.tenantId, created: await this.tenants.createTenant(request.tenantId, request.name) };
  }

  @MessagePattern(adminApiKeyCreateContract.subject)
  async createApiKey(@Payload() data: unknown) {
    const request = parseRequest(adminApiKeyCreateContract, data);
    return { tenantId: request.tenantId, ...(await this.tenants.createApiKey(request.tenantId, request.name)) };
  }

  @MessagePattern(adminConnectionsListContract.subject)
  async listConnections(@Payload() data: unknown) {
    return { connections: await this.connections.listAll(parseRequest(adminConnectionsListContract, data).tenantId) };
  }

  @MessagePattern(adminConnectionTestContract.subject)
  testConnection(@Payload() data: unknown) {
    const request = parseRequest(adminConnectionTestContract, data);
    return this.lifecycle.test(request.tenantId, request.connectionId, 'operator');
  }

  @MessagePattern(adminKeysRotateContract.subject)
  async rotateKeys(@Payload() data: unknown) {
    parseRequest(adminKeysRotateContract, data);
    void this.rotation.start();
    return this.rotation.status();
  }

  @MessagePattern(adminKeysStatusContract.subject)
  keysStatus(@Payload() data: unknown) {
    parseRequest(adminKeysStatusContract, data);
    return this.rotation.status();
  }

  @MessagePattern(adminTokenCacheClearContract.subject)
  clearCache(@Payload() data: unknown) {
    parseRequest(adminTokenCacheClearContract, data);
    return { cleared: this.tokens.clearCache() };
  }
}
