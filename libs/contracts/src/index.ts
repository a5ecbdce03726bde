export { subjects, queues, type Subject } from './subjects.js';
export type {
  Reply,
  RegistrySnapshot,
  ApiChange,
  ApiChangedEvent,
  ApiIdRequest,
  ApiWriteRequest,
  RequestContracts,
  EventContracts,
  RequestSubject,
  EventSubject,
  RequestOf,
  ReplyOf,
  EventOf,
} from './messages.js';
