import {
  applyDecorators,
  type ArgumentsHost,
  Catch,
  Controller,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  type RpcExceptionFilter,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { correlationHeader } from '@shelflink/contracts';
import { natsRequestsHandled, runWithCorrelation } from '@shelflink/observability';
import { Observable, throwError } from 'rxjs';
import { errorReply } from './bus-error.reply.js';

// The parse helpers live with the contracts (the operator CLI uses them without Nest); services import them here.
export { parsePayload, parseRequest } from '@shelflink/contracts';

/** Replies to a Nest handler's failure with {@link errorReply} (the serializer wraps it in `{error}`). */
@Catch()
export class BusErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const subject = host.switchToRpc().getContext<NatsContext>().getSubject();
    const { error } = errorReply(subject, exception);
    natsRequestsHandled.inc({ subject, outcome: error.code });
    return throwError(() => error);
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
