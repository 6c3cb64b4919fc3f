import {
  AuthorizationError,
  connect,
  NoRespondersError,
  PermissionViolationError,
  TimeoutError,
  type Msg,
  type NatsConnection,
} from '@nats-io/transport-node';
import { BusError, parseReply, parseRequest, type RequestContract } from '@shelflink/contracts';
import type { z } from 'zod';
import { ConfigError } from '@shelflink/config';
import { requestChunks, type ReplyChunk } from '@shelflink/messaging';
import type { NatsUsersSettings, OperatorSettings } from './config/cli.config.js';

/** Long enough for a key rotation's first batch or a provider round trip behind `connection test`. */
const REQUEST_TIMEOUT_MS = 15_000;
const OPERATOR_INBOX = '_INBOX_operator';

/** A payload built from what the operator typed: the contract's field names, values checked by its schema. */
export type Draft<Req extends z.ZodType> = { [Key in keyof z.input<Req>]?: unknown };

/** The bus as commands see it: typed requests on the contracts the operator user may send. */
export interface OperatorBus {
  request<Req extends z.ZodType, Res extends z.ZodType>(
    contract: RequestContract<Req, Res>,
    draft: Draft<Req>,
  ): Promise<z.output<Res>>;
  /** A broadcast: every reply that arrives within `maxWaitMs` (each replica answers once), parsed. */
  requestAll<Req extends z.ZodType, Res extends z.ZodType>(
    contract: RequestContract<Req, Res>,
    draft: Draft<Req>,
    maxWaitMs: number,
  ): Promise<z.output<Res>[]>;
  /** A request answered in chunks (a paginated proxy walk), ending at the chunk with `done: true`. */
  requestChunks<Req extends z.ZodType, C extends z.ZodType<ReplyChunk>>(
    contract: RequestContract<Req, z.ZodType>,
    draft: Draft<Req>,
    chunk: C,
  ): AsyncGenerator<z.output<C>, void, undefined>;
  /** Where consumer services' NATS users are written (the `services` commands). */
  natsUsers(): NatsUsersSettings;
}

/**
 * Connects as the `operator` NATS user on the first request: help, usage errors and requests the contract refuses
 * need no server and no password.
 */
export class LazyOperatorBus implements OperatorBus {
  private connection: Promise<NatsConnection> | undefined;

  constructor(
    private readonly settings: () => OperatorSettings,
    private readonly natsUsersSettings?: () => NatsUsersSettings,
  ) {}

  natsUsers(): NatsUsersSettings {
    if (!this.natsUsersSettings) throw new ConfigError(['the NATS users settings are not available here']);
    return this.natsUsersSettings();
  }

  async request<Req extends z.ZodType, Res extends z.ZodType>(
    contract: RequestContract<Req, Res>,
    draft: Draft<Req>,
  ): Promise<z.output<Res>> {
    const body = parseRequest(contract, draft);
    const connection = await (this.connection ??= this.connect());
    const reply = await connection
      .request(contract.subject, JSON.stringify(body), { timeout: REQUEST_TIMEOUT_MS })
      .catch((error: unknown) => {
        throw requestFailure(error, contract.subject);
      });
    return parseReply(contract, decodeReply(reply, contract.subject));
  }

  async requestAll<Req extends z.ZodType, Res extends z.ZodType>(
    contract: RequestContract<Req, Res>,
    draft: Draft<Req>,
    maxWaitMs: number,
  ): Promise<z.output<Res>[]> {
    const body = parseRequest(contract, draft);
    const connection = await (this.connection ??= this.connect());
    const replies: z.output<Res>[] = [];
    try {
      const messages = await connection.requestMany(contract.subject, JSON.stringify(body), {
        strategy: 'timer',
        maxWait: maxWaitMs,
      });
      for await (const message of messages) replies.push(parseReply(contract, decodeReply(message, contract.subject)));
    } catch (error) {
      if (error instanceof BusError) throw error;
      // A broadcast nobody hears is an answer: no replica of that service runs.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      if (cause instanceof NoRespondersError) return replies;
      throw requestFailure(error, contract.subject);
    }
    return replies;
  }

  async *requestChunks<Req extends z.ZodType, C extends z.ZodType<ReplyChunk>>(
    contract: RequestContract<Req, z.ZodType>,
    draft: Draft<Req>,
    chunk: C,
  ): AsyncGenerator<z.output<C>, void, undefined> {
    parseRequest(contract, draft); // a refused draft needs no server
    const connection = await (this.connection ??= this.connect());
    const payload = draft as z.input<Req>;
    yield* requestChunks(connection, OPERATOR_INBOX, contract, contract.subject, payload, chunk, REQUEST_TIMEOUT_MS);
  }

  async close(): Promise<void> {
    const connection = await this.connection?.catch(() => undefined);
    await connection?.close();
  }

  private async connect(): Promise<NatsConnection> {
    const { url, user, password } = this.settings();
    try {
      return await connect({
        servers: url.split(','),
        user,
        pass: password,
        name: `shelflink-cli:${process.pid}`,
        inboxPrefix: OPERATOR_INBOX,
      });
    } catch (error) {
      if (error instanceof AuthorizationError)
        throw new BusError('UNAUTHENTICATED', `NATS refused user ${user}: check NATS_PASSWORD`);
      // Only the host list: a URL may carry credentials.
      const servers = url.replace(/\/\/[^@/,]*@/g, '//');
      throw new BusError('UNAVAILABLE', `Cannot reach NATS at ${servers}: ${(error as Error).message}`);
    }
  }
}

function decodeReply(reply: Msg, subject: string): unknown {
  try {
    return reply.json();
  } catch {
    throw new BusError('INTERNAL', `Malformed reply on ${subject}`);
  }
}

/** nats.js reports a timeout as itself and other failures as a RequestError whose cause says what happened. */
function requestFailure(error: unknown, subject: string): BusError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof TimeoutError)
    return new BusError('TIMEOUT', `No reply on ${subject} within ${REQUEST_TIMEOUT_MS / 1_000} s`);
  if (cause instanceof NoRespondersError) return new BusError('UNAVAILABLE', `No service answers ${subject}`);
  if (cause instanceof PermissionViolationError)
    return new BusError('FORBIDDEN', `The operator user may not send ${subject}`);
  return new BusError('UNAVAILABLE', `The request on ${subject} could not be delivered`);
}
