import { Injectable } from '@nestjs/common';
import type { CallsListRequest, CallView } from '@shelflink/contracts';
import { CallLogStore, type CallContext } from '@shelflink/observability';
import type { AttemptObserver } from '@shelflink/resilience';

/** sync-service's outbound call log (`sync.provider_calls`): a row per provider call attempt of pulls and proxy calls. */
@Injectable()
export class CallLogService {
  constructor(readonly store: CallLogStore) {}

  /** The observer `callProvider` tells about each attempt of one request to `url`, refused ones (status null) too. */
  observer(context: CallContext, method: string, url: string): AttemptObserver {
    return (event) => this.store.record(context, { method, url, ...event });
  }

  list(request: CallsListRequest): Promise<CallView[]> {
    return this.store.list(request);
  }
}
