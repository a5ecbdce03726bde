export { openDatabase, type DatabaseOptions } from './data-source.js';
export { initialiseEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
export { databaseAnswers } from './ping.js';
export { qualifiedTable } from './table-name.js';
export { sweeper } from './sweeper.js';
export { FailureThrottle, type FailureLimits, type Throttled } from './failure-throttle.js';
export { storageModule } from './storage-module.js';
