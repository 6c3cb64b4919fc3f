import { MessagePattern, Payload } from '@nestjs/microservices';
import { parseRequest, BusController } from '@shelflink/messaging';
import { unroutableListContract, unroutableReplayContract } from '@shelflink/contracts';
import { UnroutableReplayService } from './unroutable-replay.service.js';

/** `webhook.operator.unroutable.*`: the operator NATS user only (the gateway is denied `webhook.operator.>`). */
@BusController()
export class UnroutableController {
  constructor(private readonly unroutable: UnroutableReplayService) {}

  @MessagePattern(unroutableListContract.subject)
  list(@Payload() data: unknown) {
    return this.unroutable.list(parseRequest(unroutableListContract, data));
  }

  @MessagePattern(unroutableReplayContract.subject)
  replay(@Payload() data: unknown) {
    return this.unroutable.replay(parseRequest(unroutableReplayContract, data));
  }
}
