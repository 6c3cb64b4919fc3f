import { Injectable } from '@nestjs/common';
import {
  authCallsListContract,
  syncCallsListContract,
  type CallsCursor,
  type CallsListRequest,
  type CallView,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { BUS_TIMEOUT_MS, viaBus } from '../bus/bus-error.mapper.js';

/** A page of the call log and the cursor of the next one (null on the last page). */
export interface CallsPage {
  calls: CallView[];
  next: string | null;
}

/**
 * The outbound call log of a tenant, merged from the two services that call providers (auth-service and sync-service,
 * each owning its table). Both answer newest first by (at, id); the merge takes the newest `limit` of the two pages, and
 * the cursor (the last row's at and id) is a position both understand.
 */
@Injectable()
export class CallsService {
  constructor(private readonly nats: NatsClient) {}

  async list(request: CallsListRequest): Promise<CallsPage> {
    const [fromAuth, fromSync] = await viaBus(() =>
      Promise.all([
        this.nats.request(authCallsListContract, request, BUS_TIMEOUT_MS),
        this.nats.request(syncCallsListContract, request, BUS_TIMEOUT_MS),
      ]),
    );
    const merged = [...fromAuth.calls, ...fromSync.calls].sort(newestFirst);
    const calls = merged.slice(0, request.limit);
    const more =
      merged.length > request.limit ||
      fromAuth.calls.length === request.limit ||
      fromSync.calls.length === request.limit;
    const last = calls.at(-1);
    return { calls, next: more && last ? encodeCursor({ at: last.at, id: last.id }) : null };
  }
}

function newestFirst(a: CallView, b: CallView): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function encodeCursor(cursor: CallsCursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`).toString('base64url');
}

/** The position a `next` cursor names, or undefined when the text is not one. */
export function decodeCursor(text: string): { at: string; id: string } | undefined {
  const [at, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  return at !== undefined && id !== undefined && rest.length === 0 ? { at, id } : undefined;
}
