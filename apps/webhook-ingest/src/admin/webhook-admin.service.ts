import { Injectable } from '@nestjs/common';
import {
  BusError,
  type DeadLetterSummary,
  type ReceivedEventDetail,
  type ReceivedEventStatus,
  type ReceivedEventSummary,
} from '@shelflink/contracts';
import { DeadLetterRepository } from '../dead-letter/dead-letter.repository.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { ReceivedEventRepository, type ReceivedEventRow } from '../received-event/received-event.repository.js';

/** Admin reads and replays, always scoped by tenant; another tenant's event is indistinguishable from a missing one. */
@Injectable()
export class WebhookAdminService {
  constructor(
    private readonly events: ReceivedEventRepository,
    private readonly deadLetters: DeadLetterRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async list(
    tenantId: string,
    filter: { connectionId?: string; status?: ReceivedEventStatus; before?: string; limit: number },
  ): Promise<{ items: ReceivedEventSummary[]; nextBefore: string | null }> {
    const { before, ...rest } = filter;
    const rows = await this.events.listForTenant(tenantId, {
      ...rest,
      ...(before !== undefined ? { before: new Date(before) } : {}),
    });
    const items = rows.map(toSummary);
    const last = items[items.length - 1];
    return { items, nextBefore: items.length === filter.limit && last ? last.receivedAt : null };
  }

  async get(tenantId: string, eventId: string): Promise<ReceivedEventDetail> {
    const row = await this.events.findForTenant(tenantId, eventId);
    if (!row) throw new BusError('NOT_FOUND', 'No such webhook event');
    return { ...toSummary(row), headers: row.headers, rawBody: row.rawBody.toString('base64') };
  }

  async replayOne(tenantId: string, eventId: string): Promise<{ replayed: number }> {
    const replayed = await this.replay(tenantId, { ids: [eventId] });
    if (replayed.replayed === 0) throw new BusError('NOT_FOUND', 'No such webhook event');
    return replayed;
  }

  async replayRange(tenantId: string, connectionId: string, from: string, to: string): Promise<{ replayed: number }> {
    if (Date.parse(from) >= Date.parse(to)) throw new BusError('INVALID_REQUEST', '`from` must be before `to`');
    return this.replay(tenantId, { connectionId, from: new Date(from), to: new Date(to) });
  }

  async listDeadLetters(tenantId: string, limit: number): Promise<{ items: DeadLetterSummary[] }> {
    const rows = await this.deadLetters.listForTenant(tenantId, limit);
    return { items: rows.map((row) => ({ ...row, deadAt: row.deadAt.toISOString() })) };
  }

  async requeueDeadLetters(tenantId: string, eventIds?: readonly string[]): Promise<{ replayed: number }> {
    const ids = await this.deadLetters.idsForTenant(tenantId, eventIds);
    if (ids.length === 0) return { replayed: 0 };
    return this.replay(tenantId, { ids });
  }

  private async replay(
    tenantId: string,
    where: { ids?: readonly string[]; connectionId?: string; from?: Date; to?: Date },
  ): Promise<{ replayed: number }> {
    const rows = await this.events.replay(tenantId, where);
    for (const row of rows) this.relay.notify(row);
    return { replayed: rows.length };
  }
}

function toSummary(row: ReceivedEventRow): ReceivedEventSummary {
  return {
    id: row.id,
    tenantId: row.tenantId,
    provider: row.provider,
    connectionId: row.connectionId,
    dedupKey: row.dedupKey,
    providerEventId: row.providerEventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    generation: row.generation,
    lastError: row.lastError,
    receivedAt: row.receivedAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    processedAt: row.processedAt?.toISOString() ?? null,
  };
}
