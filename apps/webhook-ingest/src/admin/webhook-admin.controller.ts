import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  deadLettersListContract,
  deadLettersRequeueContract,
  webhookEventGetContract,
  webhookEventReplayContract,
  webhookEventsListContract,
  webhookEventsReplayRangeContract,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { WebhookAdminService } from './webhook-admin.service.js';

/** `webhook.admin.*` from the gateway (tenant from the admin key) or the operator. */
@BusController()
export class WebhookAdminController {
  constructor(private readonly admin: WebhookAdminService) {}

  @MessagePattern(webhookEventsListContract.subject)
  list(@Payload() data: unknown) {
    const { tenantId, ...filter } = parseRequest(webhookEventsListContract, data);
    return this.admin.list(tenantId, filter);
  }

  @MessagePattern(webhookEventGetContract.subject)
  get(@Payload() data: unknown) {
    const request = parseRequest(webhookEventGetContract, data);
    return this.admin.get(request.tenantId, request.eventId);
  }

  @MessagePattern(webhookEventReplayContract.subject)
  replay(@Payload() data: unknown) {
    const request = parseRequest(webhookEventReplayContract, data);
    return this.admin.replayOne(request.tenantId, request.eventId);
  }

  @MessagePattern(webhookEventsReplayRangeContract.subject)
  replayRange(@Payload() data: unknown) {
    const request = parseRequest(webhookEventsReplayRangeContract, data);
    return this.admin.replayRange(request.tenantId, request.connectionId, request.from, request.to);
  }

  @MessagePattern(deadLettersListContract.subject)
  deadLetters(@Payload() data: unknown) {
    const request = parseRequest(deadLettersListContract, data);
    return this.admin.listDeadLetters(request.tenantId, request.limit);
  }

  @MessagePattern(deadLettersRequeueContract.subject)
  requeue(@Payload() data: unknown) {
    const request = parseRequest(deadLettersRequeueContract, data);
    return this.admin.requeueDeadLetters(request.tenantId, request.eventIds);
  }
}
