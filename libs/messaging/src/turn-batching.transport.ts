import {
  NatsConnectionImpl,
  setTransportFactory,
  type ConnectionOptions,
  type NatsConnection,
} from '@nats-io/transport-node';
import { NodeTransport, nodeResolveHost } from '@nats-io/transport-node/lib/node_transport.js';
import type { Socket } from 'node:net';

/**
 * nats.js writes what a publish, request, reply or ack queued from a microtask of its own: one write(2) per message
 * when the messages come from separate I/O callbacks (each HTTP request, each database reply). This transport corks
 * the socket at the first write of an event-loop turn and uncorks it when the turn ends, so the turn's messages
 * leave in one writev(2). Nothing waits longer than the rest of the current turn.
 */
class TurnBatchingTransport extends NodeTransport {
  private corked: Socket | undefined;

  override send(frame: Uint8Array): void {
    const socket = this.socket as Socket | undefined;
    if (socket && this.corked !== socket) {
      this.corked = socket;
      socket.cork();
      setImmediate(() => {
        this.corked = undefined;
        socket.uncork();
      });
    }
    super.send(frame);
  }
}

/** `connect` of @nats-io/transport-node, with the turn-batching transport (reconnects included). */
export function connectBatchingWrites(options: ConnectionOptions): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new TurnBatchingTransport(), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect(options);
}
