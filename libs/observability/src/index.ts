export * from './correlation.js';
export * from './logger.js';
export * from './metrics.js';
export * from './http-error.filter.js';
export * from './readiness.js';
export * from './unexpected-error.js';
