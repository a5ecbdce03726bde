export { errorCatalogue, errorBody, statusOf, isErrorCode, PortcullisError, type ErrorCode, type ErrorBody, type ErrorDetail } from './catalogue.js';
export { isBackendUnavailable, RETRY_AFTER_SECONDS } from './unavailable.js';
