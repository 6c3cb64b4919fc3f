import { MessagePattern, Payload } from '@nestjs/microservices';
import { connectSessionCreateContract, oauthCallbackContract, shopifyInstallContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { OAuthService } from './oauth.service.js';
import { ShopifyInstallService } from './shopify-install.service.js';

@BusController()
export class OAuthHandler {
  constructor(
    private readonly oauth: OAuthService,
    private readonly install: ShopifyInstallService,
  ) {}

  @MessagePattern(connectSessionCreateContract.subject)
  start(@Payload() data: unknown) {
    return this.oauth.startSession(parseRequest(connectSessionCreateContract, data));
  }

  @MessagePattern(oauthCallbackContract.subject)
  callback(@Payload() data: unknown) {
    return this.oauth.callback(parseRequest(oauthCallbackContract, data).rawQuery);
  }

  @MessagePattern(shopifyInstallContract.subject)
  shopifyInstall(@Payload() data: unknown) {
    return this.install.start(parseRequest(shopifyInstallContract, data).rawQuery);
  }
}
