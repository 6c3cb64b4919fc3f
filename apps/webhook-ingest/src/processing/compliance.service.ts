import { Injectable, Logger } from '@nestjs/common';
import { auditRecordContract, recordsRedactContract, type AuditRecordRequest } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { parseJsonPreservingBigInts, readHeader } from '@shelflink/providers';
import { ReceivedEventRepository, type ReceivedEventRow } from '../received-event/received-event.repository.js';
import { UnroutableEventRepository } from '../unroutable/unroutable-event.repository.js';

const busTimeoutMs = 10_000;
/** A shop's erasure pages through the feed's streams: given longer, under the processing consumer's AckWait (30 s). */
const redactTimeoutMs = 25_000;
const scanPage = 500;
type Json = Record<string, unknown>;

/**
 * Shopify's mandatory compliance requests, carried out for the connection the event was stored for (every connection
 * of the shop gets its own copy): `shop/redact` erases the shop's canonical records and its record feed messages
 * (sync-service) and every stored webhook body and header of the connection; `customers/redact` erases the stored
 * order bodies that name the customer or its orders (canonical orders keep no customer fields);
 * `customers/data_request` is recorded for the operator.
 * Each is audited in auth-service's audit log. A failure throws, and the event is retried like any other.
 */
@Injectable()
export class ComplianceService {
  private readonly logger = new Logger(ComplianceService.name);

  constructor(
    private readonly nats: NatsClient,
    private readonly events: ReceivedEventRepository,
    private readonly unroutable: UnroutableEventRepository,
  ) {}

  /** True when the event was a compliance request and has been carried out; it then yields no canonical event. */
  async handle(row: ReceivedEventRow): Promise<boolean> {
    if (row.provider !== 'shopify') return false;
    switch (row.eventType) {
      case 'shop/redact':
        await this.redactShop(row);
        return true;
      case 'customers/redact':
        await this.redactCustomer(row);
        return true;
      case 'customers/data_request':
        await this.audit(row, 'compliance.data_requested', requestDetail(parse(row.rawBody)));
        return true;
      default:
        return false;
    }
  }

  private async redactShop(row: ReceivedEventRow): Promise<void> {
    const { tenantId, connectionId } = row;
    const shop = readHeader(row.headers, 'x-shopify-shop-domain');
    const { deleted, feedMessages } = await this.nats.request(
      recordsRedactContract,
      { tenantId, connectionId },
      redactTimeoutMs,
    );
    const bodies = await this.events.redactConnection(tenantId, connectionId);
    const unroutable = shop.state === 'value' ? await this.unroutable.deleteForAccount('shopify', shop.value) : 0;
    await this.audit(row, 'compliance.shop_redacted', { records: deleted, feedMessages, bodies, unroutable });
    const erased = `${deleted} records, ${feedMessages} feed messages, ${bodies} bodies`;
    this.logger.log(`shop/redact for connection ${connectionId}: ${erased} erased`);
  }

  private async redactCustomer(row: ReceivedEventRow): Promise<void> {
    const request = parse(row.rawBody);
    const customerId = idOf(asObject(request.customer)?.id);
    const orderIds = new Set(asArray(request.orders_to_redact).flatMap((id) => idOf(id) ?? []));
    const matching: string[] = [];
    for (let after: string | null = null; ;) {
      const page = await this.events.bodiesOf(row.tenantId, row.connectionId, 'orders/%', { after, limit: scanPage });
      for (const event of page) {
        const order = parse(event.rawBody);
        const orderId = idOf(order.id);
        const buyer = idOf(asObject(order.customer)?.id);
        if ((orderId !== undefined && orderIds.has(orderId)) || (customerId !== undefined && buyer === customerId))
          matching.push(event.id);
      }
      if (page.length < scanPage) break;
      after = page[page.length - 1]?.id ?? null;
    }
    const bodies = await this.events.redactEvents(row.tenantId, row.connectionId, matching);
    await this.audit(row, 'compliance.customer_redacted', { ...requestDetail(request), bodies });
  }

  private async audit(
    row: ReceivedEventRow,
    event: AuditRecordRequest['event'],
    detail: AuditRecordRequest['detail'],
  ): Promise<void> {
    await this.nats.request(
      auditRecordContract,
      { tenantId: row.tenantId, connectionId: row.connectionId, event, detail: { ...detail, eventId: row.id } },
      busTimeoutMs,
    );
  }
}

/** What an audit entry may say about a request: ids and counts, never a name, email or phone. */
function requestDetail(request: Json): AuditRecordRequest['detail'] {
  const customerId = idOf(asObject(request.customer)?.id);
  const requestId = idOf(asObject(request.data_request)?.id);
  const orders = asArray(request.orders_to_redact ?? request.orders_requested).length;
  return {
    ...(customerId !== undefined ? { customerId } : {}),
    ...(requestId !== undefined ? { dataRequestId: requestId } : {}),
    orders,
  };
}

function parse(rawBody: Buffer): Json {
  try {
    return asObject(parseJsonPreservingBigInts(rawBody.toString('utf8'))) ?? {};
  } catch {
    return {};
  }
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
    ? String(value)
    : undefined;
}
