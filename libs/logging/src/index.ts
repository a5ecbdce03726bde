export { createLogger, PinoNestLogger, type Logger } from './logger.js';
export { errorForLog, errorSummary, databaseErrorFields, withoutQuotedValues, type DatabaseErrorFields } from './error-for-log.js';
export { SECRET_FIELDS, isSecretField, censorSecrets } from './secret-fields.js';
