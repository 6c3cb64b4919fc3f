import { MessagePattern, Payload } from '@nestjs/microservices';
import { connectSessionCreateContract, oauthCallbackContract, shopifyInstallContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { OAuthService } from './oauth.service.js';
import { ShopifyInstallService } from './shopify-install.service.js';
import { WebhookReconcileService } from '../webhook-subscription/webhook-reconcile.service.js';

@BusController()
export class OAuthHandler {
  constructor(
    private readonly oauth: OAuthService,
    private readonly install: ShopifyInstallService,
    private readonly webhooks: WebhookReconcileService,
  ) {}

  @MessagePattern(connectSessionCreateContract.subject)
  start(@Payload() data: unknown) {
    return this.oauth.startSession(parseRequest(connectSessionCreateContract, data));
  }

  @MessagePattern(oauthCallbackContract.subject)
  async callback(@Payload() data: unknown) {
    const connected = await this.oauth.callback(parseRequest(oauthCallbackContract, data).rawQuery);
    // Registering subscriptions never holds up or fails the connect: it runs after, and is retried.
    void this.webhooks.connected(connected.connectionId);
    return connected;
  }

  @MessagePattern(shopifyInstallContract.subject)
  shopifyInstall(@Payload() data: unknown) {
    return this.install.start(parseRequest(shopifyInstallContract, data).rawQuery);
  }
}
