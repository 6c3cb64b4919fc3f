import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  connectionAuditContract,
  connectionCreateContract,
  connectionDeleteContract,
  connectionGetContract,
  connectionListContract,
  connectionLookupContract,
  connectionRevokedAtProviderContract,
  connectionTestContract,
  tbaSignContract,
  auditRecordContract,
  webhookRoutesGetContract,
  webhookSecretsGetContract,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { AuditRepository } from '../audit/audit.repository.js';
import { ConnectionLifecycleService } from './connection-lifecycle.service.js';
import { ConnectionService } from '../connection/connection.service.js';
import { toConnectionView } from '../connection/connection.types.js';
import { WebhookReconcileService } from '../webhook-subscription/webhook-reconcile.service.js';

/** Connection subjects; the gateway supplies the tenant from the admin key it verified. */
@BusController()
export class ConnectionHandler {
  constructor(
    private readonly connections: ConnectionService,
    private readonly lifecycle: ConnectionLifecycleService,
    private readonly audit: AuditRepository,
    private readonly webhooks: WebhookReconcileService,
  ) {}

  @MessagePattern(connectionCreateContract.subject)
  async create(@Payload() data: unknown) {
    const view = await this.connections.create(parseRequest(connectionCreateContract, data));
    void this.webhooks.connected(view.id);
    return view;
  }

  @MessagePattern(connectionListContract.subject)
  async list(@Payload() data: unknown) {
    const request = parseRequest(connectionListContract, data);
    return { connections: await this.connections.list(request.tenantId, request.provider) };
  }

  @MessagePattern(connectionGetContract.subject)
  get(@Payload() data: unknown) {
    const request = parseRequest(connectionGetContract, data);
    return this.connections.get(request.tenantId, request.connectionId);
  }

  @MessagePattern(connectionDeleteContract.subject)
  delete(@Payload() data: unknown) {
    const request = parseRequest(connectionDeleteContract, data);
    return this.lifecycle.disconnect(request.tenantId, request.connectionId);
  }

  @MessagePattern(connectionTestContract.subject)
  test(@Payload() data: unknown) {
    const request = parseRequest(connectionTestContract, data);
    return this.lifecycle.test(request.tenantId, request.connectionId, 'gateway');
  }

  @MessagePattern(connectionAuditContract.subject)
  async auditLog(@Payload() data: unknown) {
    const request = parseRequest(connectionAuditContract, data);
    // Another tenant's connection is NOT_FOUND, exactly like a missing one.
    await this.connections.find(request.connectionId, request.tenantId);
    return this.audit.listForConnection(request.tenantId, request.connectionId, request);
  }

  @MessagePattern(connectionLookupContract.subject)
  async lookup(@Payload() data: unknown) {
    const request = parseRequest(connectionLookupContract, data);
    const connection = await this.connections.find(request.connectionId, request.tenantId);
    const { metadata, id, provider, alias, status, authMode } = toConnectionView(connection);
    return { id, tenantId: connection.tenantId, provider, alias, status, metadata, authMode };
  }

  @MessagePattern(webhookSecretsGetContract.subject)
  webhookSecrets(@Payload() data: unknown) {
    const request = parseRequest(webhookSecretsGetContract, data);
    return this.lifecycle.webhookSecrets(request.connectionId, request.provider);
  }

  @MessagePattern(webhookRoutesGetContract.subject)
  webhookRoutes(@Payload() data: unknown) {
    const request = parseRequest(webhookRoutesGetContract, data);
    return this.lifecycle.webhookRoutes(request.provider, request.accountKey);
  }

  /** webhook-ingest records the compliance requests it carried out (Shopify redact) in the audit log. */
  @MessagePattern(auditRecordContract.subject)
  async auditRecord(@Payload() data: unknown) {
    const request = parseRequest(auditRecordContract, data);
    // The connection must be the tenant's: NOT_FOUND otherwise, so no entry lands in another tenant's log.
    await this.connections.find(request.connectionId, request.tenantId);
    await this.audit.record({ ...request, actor: 'webhook-ingest' });
    return { recorded: true };
  }

  @MessagePattern(connectionRevokedAtProviderContract.subject)
  revokedAtProvider(@Payload() data: unknown) {
    return this.lifecycle.revokedAtProvider(parseRequest(connectionRevokedAtProviderContract, data));
  }

  @MessagePattern(tbaSignContract.subject)
  sign(@Payload() data: unknown) {
    const request = parseRequest(tbaSignContract, data);
    return this.lifecycle.signTba(request.tenantId, request.connectionId, request.method, request.url);
  }
}
