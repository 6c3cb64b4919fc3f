import { MessagePattern, Payload } from '@nestjs/microservices';
import { syncScheduleListContract, syncScheduleUpdateContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { ScheduleAdmin } from './schedule-admin.service.js';

/** NATS: list schedules and change one (the gateway's schedule routes call these). */
@BusController()
export class ScheduleController {
  constructor(private readonly admin: ScheduleAdmin) {}

  @MessagePattern(syncScheduleListContract.subject)
  async list(@Payload() data: unknown) {
    const request = parseRequest(syncScheduleListContract, data);
    return { schedules: await this.admin.list(request.tenantId, request.connectionId) };
  }

  @MessagePattern(syncScheduleUpdateContract.subject)
  update(@Payload() data: unknown) {
    return this.admin.configure(parseRequest(syncScheduleUpdateContract, data));
  }
}
