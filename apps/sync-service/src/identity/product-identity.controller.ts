import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  productConflictsListContract,
  productIdentityFindContract,
  productIdentityGetContract,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { ProductIdentityService } from './product-identity.service.js';

/** NATS: one product across systems, for the gateway's products routes and the operator CLI (tenant-scoped). */
@BusController()
export class ProductIdentityController {
  constructor(private readonly identities: ProductIdentityService) {}

  @MessagePattern(productIdentityGetContract.subject)
  get(@Payload() data: unknown) {
    const request = parseRequest(productIdentityGetContract, data);
    return this.identities.get(request.tenantId, request.id);
  }

  @MessagePattern(productIdentityFindContract.subject)
  async find(@Payload() data: unknown) {
    const request = parseRequest(productIdentityFindContract, data);
    return { identities: await this.identities.find(request.tenantId, request) };
  }

  @MessagePattern(productConflictsListContract.subject)
  conflicts(@Payload() data: unknown) {
    const request = parseRequest(productConflictsListContract, data);
    return this.identities.conflicts(request.tenantId, request.limit, request.after);
  }
}
