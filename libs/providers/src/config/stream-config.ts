import { z } from 'zod';
import { CANONICAL_FIELDS } from '../mapping/record-mapping.js';

// Dotted item fields and request parameter names. No `:`: an expression parameter needs a hook, which config has not.
const fieldPath = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted field path such as meta.next_cursor');
const param = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*(\[[a-z]+\])?$/, 'a parameter name');
const place = z.enum(['query', 'body']);
const size = z.number().int().min(1).max(10_000);

/** How a declared stream pages: the catalog's pagination styles. */
const paginationSchema = z.discriminatedUnion('style', [
  z.strictObject({ style: z.literal('none') }),
  z.strictObject({ style: z.literal('body-cursor'), requestField: param, requestIn: place, responseField: fieldPath }),
  z.strictObject({
    style: z.literal('link-header'),
    rel: z.literal('next'),
    keepOnlyParams: z.array(param).max(20).optional(),
  }),
  z.strictObject({
    style: z.literal('offset-hasmore'),
    limitParam: param,
    offsetParam: param,
    hasMoreField: fieldPath,
    pageSize: size,
  }),
  z.strictObject({
    style: z.literal('next-page-token'),
    requestParam: param,
    responseField: fieldPath,
    lastField: fieldPath,
  }),
  z.strictObject({ style: z.literal('next-page-url'), responseField: fieldPath }),
]);

const mappingSchema = z.strictObject({
  externalId: z
    .string()
    .max(200)
    .regex(
      /^([A-Za-z0-9_$.-]+|(\{[A-Za-z0-9_$.-]+\}|[^{}]+)+)$/,
      'a field, or a template such as {sku}:{warehouse_id}',
    ),
  updatedAt: fieldPath.optional(),
  version: fieldPath.optional(),
  deletedWhen: z.strictObject({ field: fieldPath, equals: z.union([z.string(), z.number(), z.boolean()]) }).optional(),
  fields: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'a canonical field name'), fieldPath),
});

const streamSchema = z.strictObject({
  method: z.enum(['GET', 'POST']).default('GET'),
  path: z
    .string()
    .max(500)
    .regex(/^\/[^\s#]*$/),
  body: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().max(500)).optional(),
  itemsPath: z.string().regex(/^[A-Za-z0-9_$-]+$/, 'the item array must be under one top-level key'),
  pagination: paginationSchema,
  pageSize: z.strictObject({ param, in: place, max: size }).optional(),
  incremental: z.strictObject({ requestParam: param, itemField: fieldPath }).optional(),
  partitionBy: z
    .strictObject({
      stream: z.enum(['locations', 'products', 'inventory', 'orders']),
      param,
      in: place,
      as: z.enum(['value', 'list']),
    })
    .optional(),
  mapping: mappingSchema,
});

/**
 * The streams a provider declared in configuration pulls into the canonical model: each as the catalog would declare
 * it, plus a field mapping that fills at least the canonical stream's required fields.
 */
export const declaredStreamsSchema = z
  .strictObject({
    locations: streamSchema.optional(),
    products: streamSchema.optional(),
    inventory: streamSchema.optional(),
    orders: streamSchema.optional(),
  })
  .superRefine((streams, context) => {
    for (const [name, stream] of Object.entries(streams)) {
      if (!stream) continue;
      const fields = CANONICAL_FIELDS[name as keyof typeof CANONICAL_FIELDS];
      for (const [field, spec] of Object.entries(fields))
        if (spec.required && stream.mapping.fields[field] === undefined)
          context.addIssue({
            code: 'custom',
            path: [name, 'mapping', 'fields', field],
            message: `${name} needs ${field}`,
          });
    }
  });
