export { createLogger, setLogOutput, PinoNestLogger, type Logger } from './logger.js';
export { terminalOutput } from './terminal-output.js';
export { errorForLog, errorSummary, databaseErrorFields, withoutQuotedValues, type DatabaseErrorFields } from './error-for-log.js';
export { SECRET_FIELDS, isSecretField, censorSecrets } from './secret-fields.js';
