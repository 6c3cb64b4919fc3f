import type { Deserializer, IncomingRequest, NatsOptions, Serializer } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import type { Msg } from '@nats-io/transport-node';
import type { ServiceName } from '@shelflink/contracts';
import { natsConnectionOptions, type NatsSettings } from './nats-options.js';

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** Plain JSON on the wire (no Nest envelope), so any NATS client can speak our contracts. */
class JsonRequestDeserializer implements Deserializer<Msg, IncomingRequest> {
  deserialize(message: Msg, options?: Record<string, unknown>): IncomingRequest {
    const subject = typeof options?.channel === 'string' ? options.channel : message.subject;
    // Requests carry a reply subject; Nest treats a message without an id as a fire-and-forget event.
    return { pattern: subject, data: parseJson(message.data), id: message.reply ?? (undefined as unknown as string) };
  }
}

class JsonReplySerializer implements Serializer<{ response?: unknown; err?: unknown }, { data: Uint8Array }> {
  serialize(packet: { response?: unknown; err?: unknown }): { data: Uint8Array } {
    const body = packet.err === undefined ? packet.response : { error: packet.err };
    return { data: utf8Encoder.encode(JSON.stringify(body ?? null)) };
  }
}

function parseJson(data: Uint8Array): unknown {
  try {
    return data.length === 0 ? {} : JSON.parse(utf8.decode(data));
  } catch {
    return undefined;
  }
}

/** Nest microservice options: the service's own NATS user and a queue group so replicas share the work. */
export function natsTransportOptions(service: ServiceName, settings: NatsSettings): NatsOptions {
  return {
    transport: Transport.NATS,
    options: {
      ...natsConnectionOptions(service, settings),
      queue: service,
      gracefulShutdown: true,
      gracePeriod: 2_000,
      serializer: new JsonReplySerializer(),
      deserializer: new JsonRequestDeserializer(),
    },
  };
}
