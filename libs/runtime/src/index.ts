export * from './bootstrap.js';
export * from './ping.controller.js';
export * from './health.module.js';
export * from './nats-client.module.js';
export * from './service-core.module.js';
export * from './periodic-task.js';
export * from './clock.js';
export * from './turn-batcher.js';
