import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  productConflictsListContract,
  productIdentityFindContract,
  productIdentityGetContract,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { BUS_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodQuery } from '../openapi/zod-openapi.js';

const identityParam = z.uuid();
const findQuery = z
  .object({ sku: z.string().min(1).max(255).optional(), gtin: z.string().min(1).max(64).optional() })
  .strict()
  .refine((query) => (query.sku === undefined) !== (query.gtin === undefined), {
    message: 'give exactly one of sku and gtin',
    path: ['sku'],
  });
const conflictsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: z.string().min(1).max(300).optional(),
  })
  .strict();

/** One product across systems: its identity (SKU, GTINs, each source's ids), looked up by id, SKU or GTIN. */
@ApiTags('products')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1/products')
export class ProductsController {
  constructor(private readonly nats: NatsClient) {}

  @Get()
  @ApiOperation({ summary: 'The product identities whose sources carry a SKU or a GTIN (give exactly one)' })
  @ApiZodQuery(findQuery)
  find(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const request = { ...validate(findQuery, query), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(productIdentityFindContract, request, BUS_TIMEOUT_MS));
  }

  @Get('conflicts')
  @ApiOperation({
    summary:
      'Keys the sources disagree on (one GTIN under several SKUs, one SKU with several GTINs), by kind then key; ' +
      'pass `next` as `after` for the next page',
  })
  @ApiZodQuery(conflictsQuery)
  conflicts(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const request = { ...validate(conflictsQuery, query), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(productConflictsListContract, request, BUS_TIMEOUT_MS));
  }

  @Get(':identity')
  @ApiOperation({ summary: 'One product identity: its SKU, GTINs, source records and conflicts' })
  get(@CurrentPrincipal() principal: AdminPrincipal, @Param('identity') identity: string) {
    const request = { id: validate(identityParam, identity, 'identity'), tenantId: principal.tenantId };
    return viaBus(() => this.nats.request(productIdentityGetContract, request, BUS_TIMEOUT_MS));
  }
}
