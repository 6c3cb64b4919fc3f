import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceName } from '@shelflink/contracts';
import { natsTransportOptions, StreamSetupError, type NatsSettings } from '@shelflink/messaging';
import {
  correlationHeaderFor,
  createLogger,
  HttpErrorFilter,
  httpRequestDuration,
  initMetrics,
  PinoNestLogger,
  runWithCorrelation,
} from '@shelflink/observability';
import { randomUUID } from 'node:crypto';

export interface ServiceBootstrapOptions {
  service: ServiceName;
  module: Type<unknown> | DynamicModule;
  http: { host: string; port: number; bodyLimitBytes?: number };
  nats: NatsSettings;
  logLevel: string;
  shutdownTimeoutMs?: number;
  /** Extra setup before listening (OpenAPI, raw-body parsers). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

/**
 * Starts one service: JSON logs, Fastify HTTP (health, metrics, API), the NATS transport in the service's queue group,
 * and graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrapService(options: ServiceBootstrapOptions): Promise<INestApplication> {
  return startService(options).catch((error: unknown) => exitOnStreamSetupError(error));
}

/**
 * A stream the server refuses to set up as configured (replicas, placement) stops the service with one fatal line
 * naming the code, the stream and the reason, and exit code 78 like bad config; other errors are rethrown.
 */
export function exitOnStreamSetupError(error: unknown): never {
  if (!(error instanceof StreamSetupError)) throw error;
  const { code, stream, reason, message } = error;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', code, stream, reason, msg: message })}\n`);
  process.exit(78);
}

async function startService(options: ServiceBootstrapOptions): Promise<INestApplication> {
  const logger = createLogger(options.service, options.logLevel);
  initMetrics(options.service);
  const adapter = new FastifyAdapter({
    bodyLimit: options.http.bodyLimitBytes ?? 1_048_576,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) =>
      correlationHeaderFor(request.headers) ?? randomUUID(),
    requestIdHeader: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.useGlobalFilters(new HttpErrorFilter());
  instrumentHttp(app);
  closeConnectionsWhenStopping(app);
  app.connectMicroservice(natsTransportOptions(options.service, options.nats), { inheritAppConfig: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  exitWhenShutdownHangs(options.shutdownTimeoutMs ?? 10_000);
  await options.configure?.(app);
  await app.startAllMicroservices();
  await app.listen(options.http.port, options.http.host);
  logger.info({ url: await app.getUrl() }, `${options.service} listening`);
  return app;
}

/** Graceful shutdown is bounded: whatever still hangs after the timeout (a dead broker, a stuck query) is cut off. */
function exitWhenShutdownHangs(timeoutMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(
          `${JSON.stringify({ level: 'warn', msg: `shutdown exceeded ${timeoutMs} ms; exiting` })}\n`,
        );
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}

/**
 * Responses that finish after SIGTERM carry `Connection: close`: a keep-alive connection that was busy when the server
 * began closing would otherwise stay open (idle) and hold the shutdown until the timeout cuts it.
 */
function closeConnectionsWhenStopping(app: NestFastifyApplication): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => (stopping = true));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (stopping) void reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Correlation id per request (from the caller's header or new), echoed back, and a duration histogram. */
function instrumentHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    runWithCorrelation(request.id, () => done());
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
