import type { Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { pingContracts, type PingResponse, type ServiceName } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { randomUUID } from 'node:crypto';

/** Each instance answers `<service>.ping.v1` with its own id, so tests can see which replica replied. */
export function createPingController(service: ServiceName): Type<unknown> {
  const contract = pingContracts[service];
  const instanceId = `${service}-${process.pid}-${randomUUID().slice(0, 8)}`;

  @BusController()
  class PingController {
    @MessagePattern(contract.subject)
    ping(@Payload() data: unknown): PingResponse {
      parseRequest(contract, data);
      return { service, instanceId, uptimeSeconds: Math.round(process.uptime()) };
    }
  }
  return PingController;
}
