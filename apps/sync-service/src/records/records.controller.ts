import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  productsRelinkContract,
  recordsListContract,
  recordsRedactContract,
  type CanonicalRecordView,
} from '@shelflink/contracts';
import { BusController, parseRequest } from '@shelflink/messaging';
import { ProductIdentityRepository } from '../identity/product-identity.repository.js';
import { ConnectionRedaction } from './connection-redaction.service.js';
import { RecordsRepository } from './records.repository.js';

/**
 * NATS: a tenant's canonical records, keyset-paginated (the gateway's records routes call this), and their erasure on
 * a provider's request (webhook-ingest; NATS permissions keep the gateway from sending it).
 */
@BusController()
export class RecordsController {
  constructor(
    private readonly records: RecordsRepository,
    private readonly identities: ProductIdentityRepository,
    private readonly redaction: ConnectionRedaction,
  ) {}

  @MessagePattern(recordsListContract.subject)
  async list(@Payload() data: unknown) {
    const request = parseRequest(recordsListContract, data);
    const found = await this.records.listForTenant(request);
    const records = request.entity === 'products' ? await this.withIdentities(request.tenantId, found) : found;
    const last = records.at(-1);
    return { records, nextAfter: records.length === request.limit && last ? last.id : null };
  }

  // Each product shows its variants' identities, and `identity` when they all share one.
  private async withIdentities(tenantId: string, records: CanonicalRecordView[]): Promise<CanonicalRecordView[]> {
    const links = await this.identities.ofRecords(
      tenantId,
      records.map((record) => record.id),
    );
    return records.map((record) => {
      const identities = links
        .filter((link) => link.recordId === record.id)
        .map(({ variantExternalId, identity }) => ({ variantExternalId, identity }));
      const distinct = new Set(identities.map((link) => link.identity));
      return { ...record, identity: distinct.size === 1 ? [...distinct][0] : null, identities };
    });
  }

  @MessagePattern(productsRelinkContract.subject)
  async relinkProducts(@Payload() data: unknown) {
    const request = parseRequest(productsRelinkContract, data);
    const { products, last } = await this.records.relinkProducts(request.tenantId, request.limit, request.after);
    return { products, nextAfter: products === request.limit && last ? last : null };
  }

  @MessagePattern(recordsRedactContract.subject)
  async redact(@Payload() data: unknown) {
    const request = parseRequest(recordsRedactContract, data);
    return this.redaction.redact(request.tenantId, request.connectionId);
  }
}
