import { Injectable } from '@nestjs/common';
import {
  authCallsListContract,
  mergeCallPages,
  syncCallsListContract,
  type CallsListRequest,
  type CallsPage,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { BUS_TIMEOUT_MS, viaBus } from '../bus/bus-error.mapper.js';

/**
 * The outbound call log of a tenant, merged from the two services that call providers (auth-service and sync-service,
 * each owning its table); see `mergeCallPages`.
 */
@Injectable()
export class CallsService {
  constructor(private readonly nats: NatsClient) {}

  async list(request: CallsListRequest): Promise<CallsPage> {
    const pages = await viaBus(() =>
      Promise.all([
        this.nats.request(authCallsListContract, request, BUS_TIMEOUT_MS),
        this.nats.request(syncCallsListContract, request, BUS_TIMEOUT_MS),
      ]),
    );
    return mergeCallPages(
      pages.map((page) => page.calls),
      request.limit,
    );
  }
}
