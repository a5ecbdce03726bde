export {
  errorCatalogue,
  errorBody,
  statusOf,
  isErrorCode,
  PortcullisError,
  type ErrorCode,
  type ErrorBody,
  type ErrorDetail,
} from './catalogue.js';
