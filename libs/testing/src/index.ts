export * from './test-database.js';
export * from './free-port.js';
export * from './test-nats.js';
export * from './service-process.js';
export * from './tcp-proxy.js';
export * from './manual-clock.js';
export * from './service-context.js';
export * from './tally.js';
