import { createServer } from 'node:http';
import { portcullisTarget } from './portcullis.mjs';

let sink = null;

/** An OTLP/HTTP receiver that takes every batch and keeps nothing: the collector's side costs ~nothing. */
async function startSink() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  sink = server;
  return `http://127.0.0.1:${server.address().port}`;
}

/**
 * portcullis-untracked with OpenTelemetry tracing on (OTEL_TRACES_EXPORTER=otlp, every request
 * sampled, the default batching) exporting to a sink collector: beside portcullis-untracked it
 * shows what tracing costs when it is on. (Off, the gateway compiles no tracing at all.)
 */
export default portcullisTarget(
  'portcullis-traced',
  'the Portcullis gateway (distributed), keyless API, do_not_track, OpenTelemetry tracing on (every request sampled) to a sink collector',
  { do_not_track: true },
  {
    gatewayEnv: async () => ({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: await startSink() }),
    stopExtra: async () => {
      const server = sink;
      sink = null;
      if (server === null) return;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  },
);
