export { createLogger, PinoNestLogger, type Logger } from './logger.js';
