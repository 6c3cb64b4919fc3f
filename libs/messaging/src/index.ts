export * from './nats-options.js';
export * from './nats-client.js';
export * from './nats-transport.js';
export * from './rpc.js';
export * from './jetstream.js';
export * from './raw-responder.js';
export * from './bus-error.reply.js';
export * from './caches-clear.broadcast.js';
