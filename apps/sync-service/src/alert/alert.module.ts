import { Module } from '@nestjs/common';
import { ProviderModule } from '../provider/provider.module.js';
import { AlertDeliveryRepository } from './alert-delivery.repository.js';
import { AlertDeliveryWorker } from './alert-delivery.worker.js';
import { AlertStateRepository } from './alert-state.repository.js';
import { AlertStreamConsumer } from './alert-stream.consumer.js';
import { AlertController } from './alert.controller.js';
import { AlertService } from './alert.service.js';
import { JiraAlertSender } from './jira-alert.sender.js';
import { WebhookAlertSender } from './webhook-alert.sender.js';

/** Operator alerts: the OPS_ALERTS consumer, alert states without flapping, `alerts list`, and delivery to targets. */
@Module({
  imports: [ProviderModule],
  controllers: [AlertController],
  providers: [
    AlertStateRepository,
    AlertDeliveryRepository,
    AlertService,
    AlertStreamConsumer,
    AlertDeliveryWorker,
    WebhookAlertSender,
    JiraAlertSender,
  ],
})
export class AlertModule {}
