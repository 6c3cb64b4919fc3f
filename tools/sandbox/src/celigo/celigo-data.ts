import { objectId } from '../util/ids.js';
import { hash32, intBetween, pick } from '../util/prng.js';

/** How much one Celigo account holds (fixed shape; deterministic from the account tag). */
export const CELIGO_SIZES = { integrations: 3, flows: 30, jobsPerFlow: 40, maxErrorsPerStep: 250 } as const;
const DAY_MS = 86_400_000;
const NAMES = ['Orders to NetSuite', 'Items to Shopify', 'Inventory sync', 'Customers to CRM', 'Refunds'] as const;
const CODES = ['response_failure', 'invalid_ref', 'missing_required_field', 'timeout'] as const;

const iso = (ms: number): string => new Date(ms).toISOString();
export const exportIdOf = (tag: number, flow: number): string => objectId(tag, 3, flow);
export const importIdOf = (tag: number, flow: number): string => objectId(tag, 4, flow);

/** Everything the Celigo routes render for one account, computed on demand. */
export class CeligoAccount {
  constructor(
    readonly tag: number,
    readonly anchor: number,
  ) {}

  flowIndex(id: string): number | undefined {
    for (let f = 0; f < CELIGO_SIZES.flows; f++) if (objectId(this.tag, 2, f) === id) return f;
    return undefined;
  }

  /** 0 for the flow's export step, 1 for its import, undefined when the step is not the flow's. */
  stepOf(flow: number, stepId: string): 0 | 1 | undefined {
    if (exportIdOf(this.tag, flow) === stepId) return 0;
    return importIdOf(this.tag, flow) === stepId ? 1 : undefined;
  }

  flow(f: number): Record<string, unknown> {
    const created = this.anchor - (200 - f) * DAY_MS;
    return {
      _id: objectId(this.tag, 2, f),
      name: `${pick(NAMES, this.tag, 40, f)} ${f + 1}`,
      disabled: hash32(this.tag, 41, f) % 7 === 0,
      _integrationId: objectId(this.tag, 1, f % CELIGO_SIZES.integrations),
      pageGenerators: [{ _exportId: exportIdOf(this.tag, f) }],
      pageProcessors: [{ type: 'import', _importId: importIdOf(this.tag, f) }],
      createdAt: iso(created),
      lastModified: iso(created + intBetween(0, 100, this.tag, 42, f) * DAY_MS),
      lastExecutedAt: iso(this.jobStart(f, CELIGO_SIZES.jobsPerFlow - 1)),
    };
  }

  private jobStart(f: number, j: number): number {
    return this.anchor - (CELIGO_SIZES.jobsPerFlow - j) * 3_600_000 * 6 - f * 60_000;
  }

  /** Job j of flow f (flow-major order: job index = f * jobsPerFlow + j). */
  job(index: number): Record<string, unknown> {
    const f = Math.floor(index / CELIGO_SIZES.jobsPerFlow);
    const started = this.jobStart(f, index % CELIGO_SIZES.jobsPerFlow);
    const numError = hash32(this.tag, 43, index) % 5 === 0 ? intBetween(1, 20, this.tag, 44, index) : 0;
    return {
      _id: objectId(this.tag, 5, index),
      type: 'flow',
      _flowId: objectId(this.tag, 2, f),
      _integrationId: objectId(this.tag, 1, f % CELIGO_SIZES.integrations),
      status: numError > 0 ? 'failed' : 'completed',
      numError,
      numSuccess: intBetween(0, 500, this.tag, 45, index),
      numIgnore: 0,
      createdAt: iso(started),
      startedAt: iso(started),
      endedAt: iso(started + intBetween(5, 600, this.tag, 46, index) * 1000),
      lastModified: iso(started + 600_000),
    };
  }

  jobCreatedAt(index: number): number {
    return this.jobStart(Math.floor(index / CELIGO_SIZES.jobsPerFlow), index % CELIGO_SIZES.jobsPerFlow);
  }

  errorCount(flow: number, step: 0 | 1): number {
    return hash32(this.tag, 47, flow, step) % 3 === 0
      ? 0
      : intBetween(1, CELIGO_SIZES.maxErrorsPerStep, this.tag, 48, flow, step);
  }

  /** Open error e of a step, newest last. */
  error(flow: number, step: 0 | 1, e: number): Record<string, unknown> {
    const occurred = this.anchor - (this.errorCount(flow, step) - e) * 600_000;
    const trace = String(10000 + e);
    return {
      occurredAt: iso(occurred),
      source: step === 0 ? 'application' : 'connection',
      code: pick(CODES, this.tag, 49, flow, step, e),
      message: `Record ${trace} failed in step ${step === 0 ? 'export' : 'import'} of flow ${flow + 1}.`,
      traceKey: trace,
      oIndex: String(e % 10),
      retryDataKey: objectId(this.tag, 6, flow * 1000 + step * 500 + e),
      errorId: String(hash32(this.tag, 50, flow, step, e)),
      _flowJobId: objectId(this.tag, 5, flow * CELIGO_SIZES.jobsPerFlow + (e % CELIGO_SIZES.jobsPerFlow)),
    };
  }

  errorOccurredAt(flow: number, step: 0 | 1, e: number): number {
    return this.anchor - (this.errorCount(flow, step) - e) * 600_000;
  }
}
