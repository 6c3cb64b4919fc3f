import { MessagePattern, Payload } from '@nestjs/microservices';
import { syncCallsListContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { CallLogService } from './call-log.service.js';

/** NATS: a tenant's rows of sync-service's call log (the gateway merges them with auth-service's). */
@BusController()
export class CallLogController {
  constructor(private readonly calls: CallLogService) {}

  @MessagePattern(syncCallsListContract.subject)
  async list(@Payload() data: unknown) {
    return { calls: await this.calls.list(parseRequest(syncCallsListContract, data)) };
  }
}
