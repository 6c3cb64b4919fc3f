export * from './data-source.js';
export * from './sql-rows.js';
