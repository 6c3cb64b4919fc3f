import {
  applyDecorators,
  type ArgumentsHost,
  Catch,
  Controller,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  type RpcExceptionFilter,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { BusError, correlationHeader } from '@shelflink/contracts';
import { natsRequestsHandled, runWithCorrelation } from '@shelflink/observability';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';

// The parse helpers live with the contracts (the operator CLI uses them without Nest); services import them here.
export { parsePayload, parseRequest } from '@shelflink/contracts';

/** Maps errors to `{code, message}` replies; unknown ones become INTERNAL with a logged errorId. */
@Catch()
export class BusErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(BusErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const subject = host.switchToRpc().getContext<NatsContext>().getSubject();
    if (exception instanceof BusError) {
      natsRequestsHandled.inc({ subject, outcome: exception.code });
      return throwError(() => ({ code: exception.code, message: exception.message }));
    }
    const errorId = randomUUID();
    this.logger.error(
      `Unhandled error ${errorId} on ${subject}: ${exception instanceof Error ? exception.stack : String(exception)}`,
    );
    natsRequestsHandled.inc({ subject, outcome: 'INTERNAL' });
    return throwError(() => ({ code: 'INTERNAL', message: `Internal error (errorId ${errorId})` }));
  }
}

/** Runs each NATS handler inside the caller's correlation id and counts successes. */
@Injectable()
export class BusCorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const natsContext = context.switchToRpc().getContext<NatsContext>();
    const headers = natsContext.getHeaders() as { get(name: string): string } | undefined;
    const correlationId = headers?.get(correlationHeader);
    const subject = natsContext.getSubject();
    return new Observable((subscriber) =>
      runWithCorrelation(correlationId || undefined, () =>
        next.handle().subscribe({
          next: (value) => {
            natsRequestsHandled.inc({ subject, outcome: 'ok' });
            subscriber.next(value);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      ),
    );
  }
}

/** Marks a class of NATS handlers: plain-JSON error replies with stable codes, correlation ids, counters. */
export function BusController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(BusErrorFilter), UseInterceptors(BusCorrelationInterceptor));
}
