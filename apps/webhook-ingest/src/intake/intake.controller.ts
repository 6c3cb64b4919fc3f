import { MessagePattern, Payload } from '@nestjs/microservices';
import { webhookIngestContract, type WebhookIngestResponse } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { IntakeService } from './intake.service.js';

/** `webhook.ingest.v1` from the gateway. */
@BusController()
export class IntakeController {
  constructor(private readonly intake: IntakeService) {}

  @MessagePattern(webhookIngestContract.subject)
  handle(@Payload() data: unknown): Promise<WebhookIngestResponse> {
    return this.intake.receive(parseRequest(webhookIngestContract, data));
  }
}
