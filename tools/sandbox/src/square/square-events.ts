import { randomUUID } from 'node:crypto';
import type { SandboxState } from '../sandbox-context.js';
import { isoUtc } from '../util/time.js';
import { emitSquare } from '../webhooks/dispatch.js';
import { squareIds, type SquareContext } from './square-render.js';

/** order.created / order.updated: a summary of the order (Square sends no line items; clients fetch the order). */
export function orderEvent(state: SandboxState, ctx: SquareContext, index: number, created: boolean): void {
  const o = ctx.data.order(index);
  const orderId = squareIds.order(ctx, index);
  const summary = {
    order_id: orderId,
    location_id: squareIds.location(ctx, o.locationIndex),
    state: o.state,
    version: o.version,
    created_at: isoUtc(o.createdAt),
    ...(created ? {} : { updated_at: isoUtc(o.updatedAt) }),
  };
  emitSquare(state, {
    merchant: ctx.merchantId,
    type: created ? 'order.created' : 'order.updated',
    dataType: 'order',
    objectId: orderId,
    object: created ? { order_created: summary } : { order_updated: summary },
  });
}

/** catalog.version.updated: only says the catalog changed (clients re-pull with SearchCatalogObjects). */
export function catalogEvent(state: SandboxState, ctx: SquareContext): void {
  emitSquare(state, {
    merchant: ctx.merchantId,
    type: 'catalog.version.updated',
    dataType: 'catalog_version',
    objectId: '',
    object: { catalog_version: { updated_at: isoUtc(ctx.data.productTimeline.latest()) } },
  });
}

/** inventory.count.updated, at most 100 counts per notification. */
export function countsEvent(state: SandboxState, ctx: SquareContext, counts: readonly object[]): void {
  for (let at = 0; at < counts.length; at += 100) {
    emitSquare(state, {
      merchant: ctx.merchantId,
      type: 'inventory.count.updated',
      dataType: 'inventory',
      objectId: randomUUID(),
      object: { inventory_counts: counts.slice(at, at + 100) },
    });
  }
}
