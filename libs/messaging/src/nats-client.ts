import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  BusError,
  correlationHeader,
  parseReply,
  parseRequest,
  type RequestContract,
  type ServiceName,
} from '@shelflink/contracts';
import { currentCorrelationId } from '@shelflink/observability';
import type { z } from 'zod';
import { natsConnectionOptions, type NatsSettings } from './nats-options.js';
import { ensureStream, singleReplica, type StreamReplication, type StreamSpec } from './streams.js';
import { connectBatchingWrites } from './turn-batching.transport.js';

/** The raw NATS connection of a service, for typed requests and JetStream; the Nest transport keeps its own. */
export class NatsClient implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsClient.name);

  private constructor(
    readonly connection: NatsConnection,
    private readonly replication: StreamReplication,
  ) {}

  static async connect(service: ServiceName, settings: NatsSettings): Promise<NatsClient> {
    const connection = await connectBatchingWrites(natsConnectionOptions(service, settings));
    const client = new NatsClient(connection, settings.streams ?? singleReplica);
    void client.logStatus();
    return client;
  }

  /** Creates or updates a stream with the deployment's replicas and placement (NATS_STREAM_REPLICAS). */
  ensureStream(spec: StreamSpec): Promise<void> {
    return ensureStream(this.connection, spec, this.replication);
  }

  /** Sends a typed request and parses the reply; failures become a `BusError` with a stable code. */
  async request<Req extends z.ZodType, Res extends z.ZodType>(
    contract: RequestContract<Req, Res>,
    payload: z.input<Req>,
    timeoutMs = 2_000,
  ): Promise<z.output<Res>> {
    const body = parseRequest(contract, payload); // a payload that breaks the contract is INVALID_REQUEST, not sent
    const headers = natsHeaders();
    const correlationId = currentCorrelationId();
    if (correlationId) headers.set(correlationHeader, correlationId);
    const reply = await this.connection
      .request(contract.subject, JSON.stringify(body), { timeout: timeoutMs, headers })
      .catch((error: unknown) => {
        throw toBusError(error);
      });
    return parseReply(contract, reply.json());
  }

  /**
   * Core NATS events on `subject`, parsed with `schema`; a malformed one is logged and skipped, never handed on.
   * `queue` shares the events among a service's replicas instead of giving each replica every one.
   */
  subscribeEvents<Schema extends z.ZodType>(
    subject: string,
    schema: Schema,
    handle: (event: z.output<Schema>) => void,
    queue?: string,
  ): Subscription {
    return this.connection.subscribe(subject, {
      ...(queue === undefined ? {} : { queue }),
      callback: (error, message) => {
        if (error) return;
        const parsed = schema.safeParse(jsonOrUndefined(message.string()));
        if (parsed.success) handle(parsed.data);
        else this.logger.warn(`ignored a malformed ${subject} event`);
      },
    });
  }

  /** Resolves when the server answers a round trip within `timeoutMs`; used by readiness checks. */
  async probe(timeoutMs = 1_000): Promise<void> {
    if (this.connection.isClosed()) throw new Error('NATS connection closed');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('NATS round trip timed out')), timeoutMs);
    });
    try {
      await Promise.race([this.connection.rtt(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drains in-flight work when the server is reachable; never waits for a server that is gone. */
  async onApplicationShutdown(): Promise<void> {
    if (this.connection.isClosed()) return;
    const drained = this.connection.drain().catch(() => undefined);
    const timedOut = new Promise((resolve) => setTimeout(resolve, 2_000).unref());
    await Promise.race([drained, timedOut]);
    if (!this.connection.isClosed()) await this.connection.close();
  }

  private async logStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
        this.logger.warn(`NATS ${status.type}`);
      }
    }
  }
}

/** A request the bus refused for its size (the server's max_payload): the caller's 413, never worth a retry. */
export function isPayloadTooLarge(error: unknown): boolean {
  return error instanceof BusError && error.reason === 'PAYLOAD_TOO_LARGE';
}

function toBusError(error: unknown): BusError {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  if (/max_payload/i.test(text))
    return new BusError('INVALID_REQUEST', 'The request is larger than the bus carries', 'PAYLOAD_TOO_LARGE');
  if (/permission/i.test(text)) return new BusError('FORBIDDEN', 'Not permitted on this subject');
  if (/no responders|503/i.test(text)) return new BusError('UNAVAILABLE', 'No service is answering');
  if (/timeout/i.test(text)) return new BusError('TIMEOUT', 'The request timed out');
  return new BusError('UNAVAILABLE', 'The request could not be delivered');
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
