import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { recordEntities, recordsListContract } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-key.strategy.js';
import { BUS_TIMEOUT_MS, validate, viaBus } from '../bus/bus-error.mapper.js';

const entityParam = z.enum(recordEntities);
const listQuery = z.object({
  connectionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a connection id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.uuid().optional(),
  includeDeleted: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

/** Admin read API of the canonical records (locations, products, inventory, orders), keyset-paginated. */
@ApiTags('records')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1/records')
export class RecordsController {
  constructor(private readonly nats: NatsClient) {}

  @Get(':entity')
  @ApiOperation({ summary: 'Canonical records of one entity; pass `nextAfter` as `after` for the next page' })
  list(@CurrentPrincipal() principal: AdminPrincipal, @Param('entity') entity: string, @Query() query: unknown) {
    const request = {
      ...validate(listQuery, query),
      entity: validate(entityParam, entity),
      tenantId: principal.tenantId,
    };
    return viaBus(() => this.nats.request(recordsListContract, request, BUS_TIMEOUT_MS));
  }
}
