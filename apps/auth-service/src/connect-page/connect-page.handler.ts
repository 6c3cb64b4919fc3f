import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  connectPageCreateContract,
  connectPageGetContract,
  connectPageSubmitContract,
  connectSettingsPutContract,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { ReturnUrlsService } from '../tenant/return-urls.service.js';
import { ConnectPageService } from './connect-page.service.js';

@BusController()
export class ConnectPageHandler {
  constructor(
    private readonly pages: ConnectPageService,
    private readonly returnUrls: ReturnUrlsService,
  ) {}

  @MessagePattern(connectSettingsPutContract.subject)
  putSettings(@Payload() data: unknown) {
    const request = parseRequest(connectSettingsPutContract, data);
    return this.returnUrls.set(request.tenantId, request.returnUrls);
  }

  @MessagePattern(connectPageCreateContract.subject)
  create(@Payload() data: unknown) {
    return this.pages.create(parseRequest(connectPageCreateContract, data));
  }

  @MessagePattern(connectPageGetContract.subject)
  view(@Payload() data: unknown) {
    return this.pages.view(parseRequest(connectPageGetContract, data).token);
  }

  @MessagePattern(connectPageSubmitContract.subject)
  submit(@Payload() data: unknown) {
    return this.pages.submit(parseRequest(connectPageSubmitContract, data));
  }
}
