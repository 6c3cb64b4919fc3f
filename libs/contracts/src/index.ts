export * from './subjects.js';
export * from './errors.js';
export * from './contract.js';
export * from './envelope.js';
export * from './service/ping.v1.js';
export * from './auth/token-get.v1.js';
