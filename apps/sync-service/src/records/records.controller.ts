import { MessagePattern, Payload } from '@nestjs/microservices';
import { recordsListContract, recordsRedactContract } from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { RecordsRepository } from './records.repository.js';

/**
 * NATS: a tenant's canonical records, keyset-paginated (the gateway's records routes call this), and their erasure on
 * a provider's request (webhook-ingest; NATS permissions keep the gateway from sending it).
 */
@BusController()
export class RecordsController {
  constructor(private readonly records: RecordsRepository) {}

  @MessagePattern(recordsListContract.subject)
  async list(@Payload() data: unknown) {
    const request = parseRequest(recordsListContract, data);
    const records = await this.records.listForTenant(request);
    const last = records.at(-1);
    return { records, nextAfter: records.length === request.limit && last ? last.id : null };
  }

  @MessagePattern(recordsRedactContract.subject)
  async redact(@Payload() data: unknown) {
    const request = parseRequest(recordsRedactContract, data);
    return { deleted: await this.records.deleteForConnection(request.tenantId, request.connectionId) };
  }
}
