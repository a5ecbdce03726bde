export { Bus, BUS_TRANSPORT, BEST_EFFORT_PUBLISH_WAIT_MS, DEFAULT_REQUEST_TIMEOUT_MS, replyFrom, type BusEvent, type WarnLogger } from './bus.js';
export { requestPayload, eventPayload, warnOnce } from './payload.js';
export { BusModule } from './bus.module.js';
export { createBusTransport, transportMaxPayload, type BusOptions, type BusTransport } from './transport.js';
export { DEFAULT_MESSAGE_PIECE_BYTES, MIN_MESSAGE_PIECE_BYTES, messagePieceBytes } from './message-size.js';
export { InProcessBroker, InProcessClient, InProcessServer } from './in-process.js';
