import { MessagePattern, Payload } from '@nestjs/microservices';
import { authCallsListContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { CallLogService } from './call-log.service.js';

/** NATS: a tenant's rows of auth-service's call log (the gateway merges them with sync-service's). */
@BusController()
export class CallLogHandler {
  constructor(private readonly calls: CallLogService) {}

  @MessagePattern(authCallsListContract.subject)
  async list(@Payload() data: unknown) {
    return { calls: await this.calls.list(parseRequest(authCallsListContract, data)) };
  }
}
