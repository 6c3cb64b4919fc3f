import { MessagePattern, Payload } from '@nestjs/microservices';
import { alertAdminListContract, alertListContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { AlertService } from './alert.service.js';

/** NATS: the gateway lists one tenant's alerts; the operator CLI lists every alert (its own subject). */
@BusController()
export class AlertController {
  constructor(private readonly alerts: AlertService) {}

  @MessagePattern(alertListContract.subject)
  async list(@Payload() data: unknown) {
    return { alerts: await this.alerts.list(parseRequest(alertListContract, data)) };
  }

  @MessagePattern(alertAdminListContract.subject)
  async listAll(@Payload() data: unknown) {
    return { alerts: await this.alerts.list(parseRequest(alertAdminListContract, data)) };
  }
}
