import { MessagePattern, Payload } from '@nestjs/microservices';
import { apiKeyVerifyContract, type ApiKeyVerifyResponse } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { TenantService } from './tenant.service.js';

/** `auth.apikey.verify.v1`: which tenant an admin API key belongs to. */
@BusController()
export class ApiKeyHandler {
  constructor(private readonly tenants: TenantService) {}

  @MessagePattern(apiKeyVerifyContract.subject)
  verify(@Payload() data: unknown): Promise<ApiKeyVerifyResponse> {
    return this.tenants.verify(parseRequest(apiKeyVerifyContract, data).apiKey);
  }
}
