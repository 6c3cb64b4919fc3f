import { Module } from '@nestjs/common';
import { ConnectionModule } from '../connection/connection.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { TokenModule } from '../token/token.module.js';
import { ShopifySubscriptionsClient } from './shopify-subscriptions.client.js';
import { SquareAppSubscriptionService } from './square-app-subscription.service.js';
import { WebhookReconcileService } from './webhook-reconcile.service.js';
import { WebhookRegistrationRepository } from './webhook-registration.repository.js';
import { WebhookSubscriptionHandler } from './webhook-subscription.handler.js';
import { WebhookSubscriptionService } from './webhook-subscription.service.js';

/** Webhook subscriptions Shelflink registers: Shopify per shop (connect, disconnect, reconcile), Square per app. */
@Module({
  imports: [ProviderModule, ConnectionModule, TokenModule],
  controllers: [WebhookSubscriptionHandler],
  providers: [
    ShopifySubscriptionsClient,
    SquareAppSubscriptionService,
    WebhookReconcileService,
    WebhookRegistrationRepository,
    WebhookSubscriptionService,
  ],
  exports: [WebhookReconcileService],
})
export class WebhookSubscriptionModule {}
