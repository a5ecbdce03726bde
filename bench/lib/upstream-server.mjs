// The upstream every proxy forwards to: a plain node:http server answering a fixed 64-byte JSON body
// on any path, keep-alive. Run as its own process so it never shares an event loop with a proxy.
// Usage: node upstream-server.mjs [port]   (prints "listening on <port>")
import { createServer } from 'node:http';
import { COUNT_PATH, UPSTREAM_BODY } from './upstream-body.mjs';

const body = Buffer.from(UPSTREAM_BODY);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

// How many requests reached the upstream, so the harness can check a proxy forwarded each one it
// answered (a proxy that cached or short-circuited would be measuring something else).
let served = 0;

const server = createServer((req, res) => {
  // Drain any request body so the connection stays reusable.
  req.resume();
  if (req.url === COUNT_PATH) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ served }));
    return;
  }
  served++;
  res.writeHead(200, headers);
  res.end(body);
});
// Longer than any proxy's idle timeout, so it is never the upstream that closes a pooled
// connection mid-run (that would show up as proxy errors, not proxy speed).
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
