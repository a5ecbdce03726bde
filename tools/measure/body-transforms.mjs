// Per-request cost of a body transform, measured on the built gateway's transform pool (npm run
// build first): the same small JSON body through a jq program and a JSONata expression, one at a
// time (latency) and 32 at a time (throughput over the pool's workers). Usage:
//   node tools/measure/body-transforms.mjs [iterations]
import { TransformPool } from '../../apps/gateway/dist/data-plane/body-transforms/transform-pool.js';

const iterations = Number(process.argv[2] ?? 2000);
const body = Buffer.from(
  JSON.stringify({
    orderId: 7,
    customer: { id: 'c-1', name: 'Ana' },
    lines: Array.from({ length: 10 }, (_, i) => ({ sku: `s-${i}`, qty: i + 1, price: 2.5 })),
  }),
);
const programs = {
  jq: '{body: {id: .body.orderId, total: ([.body.lines[] | .qty * .price] | add), customer: .body.customer.name}, rewrite_headers: {"X-Order": (.body.orderId | tostring)}}',
  jsonata: '{"id": orderId, "total": $sum(lines.(qty * price)), "customer": customer.name}',
};
const pool = new TransformPool();
pool.warm(true);

async function measure(language, concurrency) {
  const task = {
    language,
    direction: 'request',
    program: programs[language],
    body,
    headers: {},
    context: { path: '/orders', request_method: 'POST' },
    status: 0,
    maxBytes: 1 << 20,
  };
  for (let i = 0; i < 200; i++) await pool.run(task);
  const started = performance.now();
  let next = 0;
  const runner = async () => {
    while (next++ < iterations) {
      const outcome = await pool.run(task);
      if (!outcome.ok) throw new Error(JSON.stringify(outcome));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
  const ms = performance.now() - started;
  return { language, concurrency, perRequestUs: Math.round((ms * 1000) / iterations), perSecond: Math.round((iterations * 1000) / ms) };
}

const results = [];
for (const language of ['jq', 'jsonata']) for (const concurrency of [1, 32]) results.push(await measure(language, concurrency));
console.table(results);
await pool.close();
