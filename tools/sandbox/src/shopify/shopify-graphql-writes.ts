import type { NewLine } from '../dataset/dataset.js';
import { levelEvent, orderEvent, productEvent } from './shopify-events.js';
import { gidNumber, text, type GraphqlCall, type Resolver } from './shopify-graphql.js';
import { indexOfBigId, inventoryItemIndex, locationIndexOf } from './shopify-render.js';

type Input = Record<string, unknown>;

// The mutation's input object (writes take their input as variables).
function inputOf(call: GraphqlCall, ...names: string[]): Input {
  for (const name of names) {
    const value = call.op.arg(name);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Input;
  }
  return {};
}

const failed = (field: string, root: string, key: string, message: string): object => ({
  data: { [field]: { [root]: null, userErrors: [{ field: [key], message }] } },
});

const node = (kind: string, id: bigint | number | string, updatedAt: string): object => ({
  id: `gid://shopify/${kind}/${id}`,
  legacyResourceId: String(id),
  updatedAt,
});

function orderIndex(call: GraphqlCall, gid: unknown): number | undefined {
  const data = call.ctx.data;
  return indexOfBigId(data.options.orders, gidNumber('Order', gid) ?? '', data.orderCount);
}

const orderNode = (call: GraphqlCall, index: number, topics: string[]): object => {
  const order = orderEvent(call.state, call.ctx, index, topics) as { id: bigint; updated_at: string };
  return node('Order', order.id, order.updated_at);
};

/** orderCreate, orderUpdate, productUpdate, inventorySetQuantities: the GraphQL writes that cause webhooks. */
export const WRITE_RESOLVERS: Record<string, Resolver> = {
  orderCreate: (call) => {
    const data = call.ctx.data;
    const lines: NewLine[] = [];
    const items = inputOf(call, 'order').lineItems;
    for (const item of Array.isArray(items) ? (items as Input[]) : []) {
      const variant = indexOfBigId(data.variantTotal, gidNumber('ProductVariant', item.variantId) ?? '');
      const owner = variant === undefined ? undefined : data.variantOwner(variant);
      if (!owner || typeof item.quantity !== 'number' || item.quantity < 1)
        return failed('orderCreate', 'order', 'lineItems', 'Line items need a variantId and a positive quantity');
      lines.push({ ...owner, quantity: item.quantity });
    }
    const index = data.addOrder(call.state.now(), 0, lines);
    return { data: { orderCreate: { order: orderNode(call, index, ['orders/create']), userErrors: [] } } };
  },
  orderUpdate: (call) => {
    const index = orderIndex(call, inputOf(call, 'input').id);
    if (index === undefined) return failed('orderUpdate', 'order', 'id', 'Order does not exist');
    call.ctx.data.change('orders', [index], call.state.now());
    return { data: { orderUpdate: { order: orderNode(call, index, ['orders/updated']), userErrors: [] } } };
  },
  productUpdate: (call) => {
    const data = call.ctx.data;
    const index = indexOfBigId(data.options.products, gidNumber('Product', inputOf(call, 'product', 'input').id) ?? '');
    if (index === undefined) return failed('productUpdate', 'product', 'id', 'Product does not exist');
    data.change('products', [index], call.state.now());
    const product = productEvent(call.state, call.ctx, index) as { id: bigint; updated_at: string };
    return { data: { productUpdate: { product: node('Product', product.id, product.updated_at), userErrors: [] } } };
  },
  inventorySetQuantities: (call) => {
    const input = inputOf(call, 'input');
    const data = call.ctx.data;
    const quantities = Array.isArray(input.quantities) ? (input.quantities as Input[]) : [];
    if (text(input.name) !== 'available' || quantities.length === 0)
      return failed('inventorySetQuantities', 'inventoryAdjustmentGroup', 'input', 'Only "available" can be set');
    const changes: object[] = [];
    for (const q of quantities) {
      const item = inventoryItemIndex(data, gidNumber('InventoryItem', q.inventoryItemId) ?? '');
      const owner = item === undefined ? undefined : data.variantOwner(item);
      const location = locationIndexOf(gidNumber('Location', q.locationId) ?? '', data.options.locations);
      if (item === undefined || !owner || location === undefined || typeof q.quantity !== 'number')
        return failed('inventorySetQuantities', 'inventoryAdjustmentGroup', 'quantities', 'Item or location not found');
      const before = data.inventory(owner.productIndex, owner.variantIndex, location);
      data.setStock(owner.productIndex, owner.variantIndex, location, q.quantity, call.state.now());
      levelEvent(call.state, call.ctx, item, location);
      changes.push({ name: 'available', delta: q.quantity - before, quantityAfterChange: q.quantity });
    }
    const group = { reason: text(input.reason) ?? 'correction', changes };
    return { data: { inventorySetQuantities: { inventoryAdjustmentGroup: group, userErrors: [] } } };
  },
};
