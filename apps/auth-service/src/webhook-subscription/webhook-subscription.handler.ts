import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  adminWebhooksEnsureContract,
  adminWebhooksListContract,
  adminWebhooksStatusContract,
  adminWebhooksSyncContract,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { SquareAppSubscriptionService } from './square-app-subscription.service.js';
import { WebhookReconcileService } from './webhook-reconcile.service.js';
import { WebhookSubscriptionService } from './webhook-subscription.service.js';

/** Operator subjects (`auth.admin.webhooks.*`, operator NATS user only): the subscriptions Shelflink registers. */
@BusController()
export class WebhookSubscriptionHandler {
  constructor(
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly reconcile: WebhookReconcileService,
    private readonly square: SquareAppSubscriptionService,
  ) {}

  @MessagePattern(adminWebhooksListContract.subject)
  async list(@Payload() data: unknown) {
    const request = parseRequest(adminWebhooksListContract, data);
    return this.reconcile.describe(request.tenantId, request.connectionId);
  }

  @MessagePattern(adminWebhooksSyncContract.subject)
  sync(@Payload() data: unknown) {
    const request = parseRequest(adminWebhooksSyncContract, data);
    return this.reconcile.syncAndRecord(request.tenantId, request.connectionId);
  }

  @MessagePattern(adminWebhooksEnsureContract.subject)
  ensure(@Payload() data: unknown) {
    parseRequest(adminWebhooksEnsureContract, data);
    return this.square.ensure();
  }

  @MessagePattern(adminWebhooksStatusContract.subject)
  status(@Payload() data: unknown) {
    parseRequest(adminWebhooksStatusContract, data);
    return this.subscriptions.status();
  }
}
