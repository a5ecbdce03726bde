/**
 * The code a body-transform worker thread runs (CommonJS, evaluated: one source for the built
 * gateway and the tests). It loads jq (jq-wasm) or JSONata the first time a task needs it, parses
 * the body, runs the program and answers with the new body's bytes, or with a failure kind. A body
 * that grew past `maxBytes` is refused here, before it is copied back. After jq aborts (its memory
 * is exhausted), the instance is unusable: the worker says so (`fatal`) and the pool replaces it.
 *
 * Contract (Tyk's for jq): a request filter gets {body, _tyk_context} and must give {body,
 * rewrite_headers?, tyk_context?}; a response filter gets {body, _tyk_response_headers,
 * _tyk_context} and must give {body, rewrite_headers?}. A JSONata expression gets the body and gives
 * the new body, with $headers, $method, $path (request) or $status (response) bound.
 */
export const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
let jq = null;
let jsonata = null;
let xml = null;

/** XML as JSON (attributes as "@name"), validated first: the parser itself is lenient. */
function parseXml(text) {
  if (xml === null) {
    const { XMLParser, XMLValidator } = require(workerData.xmlPath);
    // Entity expansion bounded (no external entity is ever fetched).
    xml = { parser: new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: { maxTotalExpansions: 10000, maxExpandedLength: 100000 } }), XMLValidator };
  }
  if (xml.XMLValidator.validate(text) !== true) return undefined;
  return xml.parser.parse(text);
}
const expressions = new Map();

function fail(id, kind, message, fatal) {
  parentPort.postMessage({ id, ok: false, kind, message: String(message).slice(0, 500), fatal: fatal === true });
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function done(id, task, body, headers, context) {
  const text = JSON.stringify(body === undefined ? null : body);
  // Its own ArrayBuffer, so it can be transferred: a small Buffer.from() shares Node's pool, which
  // newer Nodes refuse to transfer ("Cannot transfer object of unsupported type", seen on Node 26).
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > task.maxBytes) return fail(id, 'too_large', 'the transformed body is over ' + task.maxBytes + ' bytes');
  parentPort.postMessage({ id, ok: true, body: bytes, headers, context: context === undefined ? null : context }, [bytes.buffer]);
}

async function runJq(id, task, body) {
  if (jq === null) jq = await require(workerData.jqPath).loadJq();
  const input = task.direction === 'request'
    ? { body, _tyk_context: task.context }
    : { body, _tyk_response_headers: task.headers, _tyk_context: task.context };
  let outputs;
  try {
    outputs = jq.json(input, task.program);
  } catch (error) {
    if (error && error.name === 'JqError') return fail(id, 'failed', (error.stderr || error.message).trim().replace(/^jq: (error[^:]*: )?/, ''));
    jq = null;
    return fail(id, 'failed', 'jq stopped: ' + (error && error.message), true);
  }
  const result = outputs[0];
  if (!isObject(result) || !Object.hasOwn(result, 'body')) return fail(id, 'failed', 'the jq program must give an object with a body field');
  const headers = {};
  if (isObject(result.rewrite_headers)) for (const [name, value] of Object.entries(result.rewrite_headers)) headers[name] = typeof value === 'string' ? value : value === null ? '' : JSON.stringify(value);
  done(id, task, result.body, headers, task.direction === 'request' && isObject(result.tyk_context) ? result.tyk_context : null);
}

async function runJsonata(id, task, body) {
  if (jsonata === null) jsonata = require(workerData.jsonataPath);
  let expression = expressions.get(task.program);
  if (expression === undefined) {
    if (expressions.size >= 256) expressions.clear();
    expression = jsonata(task.program, { timeout: task.timeoutMs, stack: 500, sequence: 1000000 });
    expressions.set(task.program, expression);
  }
  const bindings = task.direction === 'request'
    ? { headers: task.headers, method: task.context.request_method, path: task.context.path }
    : { headers: task.headers, status: task.status };
  let result;
  try {
    result = await expression.evaluate(body, bindings);
  } catch (error) {
    return fail(id, 'failed', (error && error.message) || String(error));
  }
  if (result === undefined) return fail(id, 'failed', 'the JSONata expression gave no value');
  done(id, task, result, null, null);
}

parentPort.on('message', async (task) => {
  if (task.preload === 'jq') {
    if (jq === null) jq = await require(workerData.jqPath).loadJq();
    return;
  }
  const id = task.id;
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
    fail(id, 'failed', (error && error.message) || String(error));
  }
});
`;
