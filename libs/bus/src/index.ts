export { Bus, BUS_TRANSPORT, DEFAULT_REQUEST_TIMEOUT_MS, replyFrom } from './bus.js';
export { BusModule } from './bus.module.js';
export { createBusTransport, type BusOptions, type BusTransport } from './transport.js';
export { InProcessBroker, InProcessClient, InProcessServer } from './in-process.js';
