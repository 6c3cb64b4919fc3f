import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { recordEntities, recordsListContract } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { HttpApiError } from '@shelflink/observability';
import { z } from 'zod';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth/admin-auth.guard.js';
import type { AdminPrincipal } from '../admin-auth/api-keys.service.js';
import { BUS_TIMEOUT_MS, connectionIdParam, validate, viaBus } from '../bus/bus-error.mapper.js';
import { ApiZodQuery } from '../openapi/zod-openapi.js';

const entityParam = z.enum(recordEntities);
const idParam = z.uuid();
const listQuery = z
  .object({
    connectionId: connectionIdParam.optional(),
    externalId: z.string().min(1).max(255).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: z.uuid().optional(),
    includeDeleted: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
  })
  .refine((query) => query.externalId === undefined || query.connectionId !== undefined, {
    message: 'needs connectionId',
    path: ['externalId'],
  });

/** Admin read API of the canonical records (locations, products, inventory, orders), keyset-paginated. */
@ApiTags('records')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/v1/records')
export class RecordsController {
  constructor(private readonly nats: NatsClient) {}

  @Get(':entity')
  @ApiOperation({
    summary:
      'Canonical records of one entity; pass `nextAfter` as `after` for the next page, `externalId` with ' +
      '`connectionId` for the record of one provider id',
  })
  @ApiZodQuery(listQuery)
  list(@CurrentPrincipal() principal: AdminPrincipal, @Param('entity') entity: string, @Query() query: unknown) {
    const request = {
      ...validate(listQuery, query),
      entity: validate(entityParam, entity, 'entity'),
      tenantId: principal.tenantId,
    };
    return viaBus(() => this.nats.request(recordsListContract, request, BUS_TIMEOUT_MS));
  }

  @Get(':entity/:id')
  @ApiOperation({ summary: 'One canonical record by its id (the `recordId` of a change event), deleted ones too' })
  async get(@CurrentPrincipal() principal: AdminPrincipal, @Param('entity') entity: string, @Param('id') id: string) {
    const request = {
      entity: validate(entityParam, entity, 'entity'),
      id: validate(idParam, id, 'id'),
      tenantId: principal.tenantId,
      includeDeleted: true,
      limit: 1,
    };
    const { records } = await viaBus(() => this.nats.request(recordsListContract, request, BUS_TIMEOUT_MS));
    const record = records[0];
    if (!record) throw new HttpApiError(404, 'NOT_FOUND', `No such record in ${request.entity}`);
    return record;
  }
}
