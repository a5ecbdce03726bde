/**
 * What a body-transform worker thread runs. It loads jq (jq-wasm) or JSONata the first time a task
 * needs it, parses the body, runs the program and answers with the new body's bytes, or with a
 * failure kind. A body that grew past `maxBytes` is refused here, before it is copied back. After jq
 * aborts (its memory is exhausted), the instance is unusable: the worker says so (`fatal`) and the
 * pool replaces it.
 *
 * Contract (Tyk's for jq): a request filter gets {body, _tyk_context} and must give {body,
 * rewrite_headers?, tyk_context?}; a response filter gets {body, _tyk_response_headers,
 * _tyk_context} and must give {body, rewrite_headers?}. A JSONata expression gets the body and gives
 * the new body, with $headers, $method, $path (request) or $status (response) bound.
 *
 * Why JavaScript and not TypeScript: a worker thread is started from a file Node runs as it is, and
 * the tests run the gateway from its sources (vitest compiles .ts in the main thread only), so the
 * file must be JavaScript in both places; tsc type-checks it (checkJs) from these JSDoc types and
 * copies it to dist with the rest.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

/** @typedef {import('./transform-pool.js').WorkerTask} WorkerTask */
/** @typedef {import('./transform-pool.js').WorkerPaths} WorkerPaths */
/** @typedef {import('./transform-pool.js').WorkerReply} WorkerReply */
/** @typedef {{ json(input: unknown, program: string): unknown[] }} Jq */
/** @typedef {{ evaluate(input: unknown, bindings: Record<string, unknown>): Promise<unknown> }} JsonataExpression */
/** @typedef {{ parser: { parse(text: string): unknown }, XMLValidator: { validate(text: string): unknown } }} Xml */

// The packages are resolved by the pool (its paths are the gateway's), loaded here only when needed.
const require = createRequire(import.meta.url);
const paths = /** @type {WorkerPaths} */ (workerData);
if (parentPort === null) throw new Error('transform-worker.js runs only as a worker thread');
const port = parentPort;

/** @type {Jq | null} */
let jq = null;
/** @type {((program: string, options: Record<string, number>) => JsonataExpression) | null} */
let jsonata = null;
/** @type {Xml | null} */
let xml = null;
/** @type {Map<string, JsonataExpression>} */
const expressions = new Map();

/** @returns {Promise<Jq>} */
async function loadJq() {
  return /** @type {{ loadJq(): Promise<Jq> }} */ (require(paths.jqPath)).loadJq();
}

/**
 * XML as JSON (attributes as "@name"), validated first: the parser itself is lenient.
 * @param {string} text
 */
function parseXml(text) {
  if (xml === null) {
    const { XMLParser, XMLValidator } = require(paths.xmlPath);
    // Entity expansion bounded (no external entity is ever fetched).
    xml = {
      parser: new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '@',
        processEntities: { maxTotalExpansions: 10000, maxExpandedLength: 100000 },
      }),
      XMLValidator,
    };
  }
  if (xml.XMLValidator.validate(text) !== true) return undefined;
  return xml.parser.parse(text);
}

/** @param {WorkerReply} reply @param {ArrayBuffer[]} [transfer] */
function reply(reply, transfer) {
  port.postMessage(reply, transfer);
}

/**
 * @param {number} id
 * @param {'not_json' | 'not_xml' | 'failed' | 'too_large'} kind
 * @param {unknown} message
 * @param {boolean} [fatal]
 */
function fail(id, kind, message, fatal) {
  reply({ id, ok: false, kind, message: String(message).slice(0, 500), fatal: fatal === true });
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {number} id
 * @param {WorkerTask} task
 * @param {unknown} body
 * @param {Record<string, string> | null} headers
 * @param {Record<string, unknown> | null} context
 */
function done(id, task, body, headers, context) {
  const text = JSON.stringify(body === undefined ? null : body);
  // Its own ArrayBuffer, so it can be transferred: a small Buffer.from() shares Node's pool, which
  // newer Nodes refuse to transfer ("Cannot transfer object of unsupported type", seen on Node 26).
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > task.maxBytes) return fail(id, 'too_large', 'the transformed body is over ' + task.maxBytes + ' bytes');
  reply({ id, ok: true, body: bytes, headers, context }, [/** @type {ArrayBuffer} */ (bytes.buffer)]);
}

/** @param {number} id @param {WorkerTask} task @param {unknown} body */
async function runJq(id, task, body) {
  jq ??= await loadJq();
  const input = task.direction === 'request' ? { body, _tyk_context: task.context } : { body, _tyk_response_headers: task.headers, _tyk_context: task.context };
  let outputs;
  try {
    outputs = jq.json(input, task.program);
  } catch (error) {
    if (error instanceof Error && error.name === 'JqError') {
      const stderr = /** @type {{ stderr?: string }} */ (error).stderr;
      return fail(id, 'failed', (stderr || error.message).trim().replace(/^jq: (error[^:]*: )?/, ''));
    }
    jq = null;
    return fail(id, 'failed', 'jq stopped: ' + messageOf(error), true);
  }
  const result = outputs[0];
  if (!isObject(result) || !Object.hasOwn(result, 'body')) return fail(id, 'failed', 'the jq program must give an object with a body field');
  /** @type {Record<string, string>} */
  const headers = {};
  if (isObject(result.rewrite_headers)) {
    for (const [name, value] of Object.entries(result.rewrite_headers)) {
      headers[name] = typeof value === 'string' ? value : value === null ? '' : JSON.stringify(value);
    }
  }
  done(id, task, result.body, headers, task.direction === 'request' && isObject(result.tyk_context) ? result.tyk_context : null);
}

/** @param {number} id @param {WorkerTask} task @param {unknown} body */
async function runJsonata(id, task, body) {
  jsonata ??= require(paths.jsonataPath);
  let expression = expressions.get(task.program);
  if (expression === undefined) {
    if (expressions.size >= 256) expressions.clear();
    expression = /** @type {NonNullable<typeof jsonata>} */ (jsonata)(task.program, { timeout: task.timeoutMs, stack: 500, sequence: 1000000 });
    expressions.set(task.program, expression);
  }
  const bindings =
    task.direction === 'request'
      ? { headers: task.headers, method: task.context?.['request_method'], path: task.context?.['path'] }
      : { headers: task.headers, status: task.status };
  let result;
  try {
    result = await expression.evaluate(body, bindings);
  } catch (error) {
    return fail(id, 'failed', messageOf(error));
  }
  if (result === undefined) return fail(id, 'failed', 'the JSONata expression gave no value');
  done(id, task, result, null, null);
}

/** @param {WorkerTask} task */
async function run(task) {
  const id = task.id;
  /** @type {unknown} */
  let body = null;
  const text = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength).toString('utf8');
  if (text.trim() !== '' && task.input === 'xml') {
    try {
      body = parseXml(text);
    } catch {
      body = undefined;
    }
    if (body === undefined) return fail(id, 'not_xml', 'the body is not valid XML');
  } else if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      return fail(id, 'not_json', 'the body is not valid JSON');
    }
  }
  try {
    if (task.language === 'jq') await runJq(id, task, body);
    else await runJsonata(id, task, body);
  } catch (error) {
    fail(id, 'failed', messageOf(error));
  }
}

port.on('message', (/** @type {WorkerTask | { preload: 'jq' }} */ message) => {
  // Each task answers for itself (run catches everything); a preload that fails leaves jq to load, and
  // fail, on the task that needs it.
  if ('preload' in message)
    void loadJq().then(
      (loaded) => (jq ??= loaded),
      () => undefined,
    );
  else void run(message);
});
