import {
  productConflictsListContract,
  productConflictsListRequest,
  productIdentityFindContract,
  productIdentityGetContract,
  productsRelinkContract,
} from '@shelflink/contracts';
import { sends, type CommandSpec } from '../command.js';
import { limitOption, tenantArg } from './common-arguments.js';

/** One product across systems (sync-service): an identity by id, SKU or GTIN, and the conflicts among sources. */
export const productCommands: readonly CommandSpec[] = [
  {
    name: 'products get',
    summary: 'one product identity: its SKU, GTINs, each source record and conflicts',
    args: [tenantArg, { name: 'identityId', description: 'the identity, as `products find` shows it' }],
    options: [],
    ...sends(productIdentityGetContract, (input) => ({
      tenantId: input.arg('tenantId'),
      id: input.arg('identityId'),
    })),
  },
  {
    name: 'products find',
    summary: 'the product identities whose sources carry a SKU or a GTIN',
    details: 'Give exactly one of --sku and --gtin. Several identities answer when the sources disagree on the key.',
    args: [tenantArg],
    options: [
      { name: 'sku', kind: 'value', placeholder: 'sku', description: 'a SKU (compared trimmed, upper case)' },
      { name: 'gtin', kind: 'value', placeholder: 'gtin', description: 'a GTIN-8, -12, -13 or -14' },
    ],
    ...sends(productIdentityFindContract, (input) => ({
      tenantId: input.arg('tenantId'),
      sku: input.value('sku'),
      gtin: input.value('gtin'),
    })),
  },
  {
    name: 'products conflicts',
    summary: 'keys the sources disagree on: a GTIN under two SKUs, a SKU with two GTINs',
    details: "By kind then key; pass the answer's `next` as --after for the next page.",
    args: [tenantArg],
    options: [
      limitOption(productConflictsListRequest.shape.limit),
      { name: 'after', kind: 'value', placeholder: 'next', description: "the previous page's `next`" },
    ],
    ...sends(productConflictsListContract, (input) => ({
      tenantId: input.arg('tenantId'),
      limit: input.integer('limit'),
      after: input.value('after'),
    })),
  },
  {
    name: 'products relink',
    summary: "link a tenant's product records synced before identities existed",
    details:
      "Pages through the tenant's products, 500 a request; records already linked cost a read. Prints the count.",
    args: [tenantArg],
    options: [],
    contracts: [productsRelinkContract],
    async run(input, bus) {
      const tenantId = input.arg('tenantId');
      let products = 0;
      let after: string | undefined;
      do {
        const page = await bus.request(productsRelinkContract, { tenantId, after });
        products += page.products;
        after = page.nextAfter ?? undefined;
      } while (after !== undefined);
      return { output: { tenantId, products } };
    },
  },
];
