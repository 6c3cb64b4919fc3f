import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

type JsonObjectSchema = SchemaObject & { properties?: Record<string, SchemaObject>; required?: string[] };

// What a caller sends (before defaults and transforms); refinements have no JSON Schema and are left out.
function inputSchema(schema: z.ZodType): JsonObjectSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return json as JsonObjectSchema;
}

/** Documents a route's query parameters from the zod object that validates them, so the docs cannot drift. */
export function ApiZodQuery(schema: z.ZodType): MethodDecorator {
  const json = inputSchema(schema);
  const required = new Set(json.required ?? []);
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: required.has(name), schema: property }),
    ),
  );
}

/** Documents a route's JSON body from the zod schema that validates it. */
export function ApiZodBody(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: inputSchema(schema) });
}
