import { MessagePattern, Payload } from '@nestjs/microservices';
import { syncRunListContract, syncRunStartContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { SyncRunService } from './sync-run.service.js';

/** NATS: start and list runs (the gateway's admin routes call these). */
@BusController()
export class SyncRunController {
  constructor(private readonly service: SyncRunService) {}

  @MessagePattern(syncRunStartContract.subject)
  async start(@Payload() data: unknown) {
    const request = parseRequest(syncRunStartContract, data);
    return { runs: await this.service.start(request) };
  }

  @MessagePattern(syncRunListContract.subject)
  list(@Payload() data: unknown) {
    return this.service.list(parseRequest(syncRunListContract, data));
  }
}
