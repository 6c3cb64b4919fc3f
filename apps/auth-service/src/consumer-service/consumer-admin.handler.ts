import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  adminServiceAddContract,
  adminServiceRemoveContract,
  adminServicesListContract,
  internalServicesListContract,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { ConsumerGrantsService } from './consumer-grants.service.js';
import { ConsumerServiceRepository } from './consumer-service.repository.js';

/**
 * `auth.admin.services.*` (operator NATS user only): consumer services and their grants; and the list without
 * hashes for sync-service's feeds (`auth.internal.services.list.v1`).
 */
@BusController()
export class ConsumerAdminHandler {
  constructor(
    private readonly grants: ConsumerGrantsService,
    private readonly repository: ConsumerServiceRepository,
  ) {}

  @MessagePattern(adminServiceAddContract.subject)
  add(@Payload() data: unknown) {
    return this.grants.add(parseRequest(adminServiceAddContract, data));
  }

  @MessagePattern(adminServicesListContract.subject)
  async list(@Payload() data: unknown) {
    parseRequest(adminServicesListContract, data);
    return { services: await this.repository.list() };
  }

  @MessagePattern(internalServicesListContract.subject)
  async listGrants(@Payload() data: unknown) {
    parseRequest(internalServicesListContract, data);
    const services = await this.repository.list();
    return {
      services: services.map(({ name, tenants, providers, connections }) => ({
        name,
        tenants,
        providers,
        connections,
      })),
    };
  }

  @MessagePattern(adminServiceRemoveContract.subject)
  remove(@Payload() data: unknown) {
    return this.grants.remove(parseRequest(adminServiceRemoveContract, data).name);
  }
}
