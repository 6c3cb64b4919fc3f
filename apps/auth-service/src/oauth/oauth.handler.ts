import { MessagePattern, Payload } from '@nestjs/microservices';
import { connectSessionCreateContract, oauthCallbackContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { OAuthService } from './oauth.service.js';

@BusController()
export class OAuthHandler {
  constructor(private readonly oauth: OAuthService) {}

  @MessagePattern(connectSessionCreateContract.subject)
  start(@Payload() data: unknown) {
    return this.oauth.startSession(parseRequest(connectSessionCreateContract, data));
  }

  @MessagePattern(oauthCallbackContract.subject)
  callback(@Payload() data: unknown) {
    return this.oauth.callback(parseRequest(oauthCallbackContract, data).rawQuery);
  }
}
