/**
 * The code an embedded PostgreSQL worker thread runs (CommonJS, evaluated: one source for the built
 * services and the tests). PGlite executes SQL synchronously in WebAssembly, so a query, a
 * checkpoint or an autovacuum run blocks the thread it runs on for as long as it takes: here, that
 * is this worker's thread, never the services' event loop (the gateway's data plane among them).
 * The services reach it as before, through the PostgreSQL wire protocol on a loopback port.
 *
 * workerData: { pglitePath, socketPath, dataDir, postgresqlConf }. It answers { listening: url }
 * once served, { error } when it could not start, and { stopped: true } after a 'stop' message.
 */
export const embeddedPostgresWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const { PGLiteSocketServer } = require(workerData.socketPath);

(async () => {
  let db = null;
  let server = null;
  try {
    db = await PGlite.create(workerData.dataDir, { postgresqlconf: workerData.postgresqlConf });
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    parentPort.postMessage({ listening: 'postgres://postgres@' + server.getServerConn() + '/postgres' });
  } catch (error) {
    if (db !== null) await db.close().catch(() => undefined);
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
    return;
  }
  parentPort.once('message', async () => {
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    parentPort.postMessage({ stopped: true });
    parentPort.close();
  });
})();
`;

/**
 * Initialises a new data directory (initdb) and ends: run in a child process of its own (argv:
 * pglitePath, dataDir, the settings as JSON). initdb's WebAssembly instance is larger than the
 * server's and PGlite keeps it referenced; even a worker thread's end leaves hundreds of MB in the
 * process's allocator, so only a process's exit hands it all back.
 */
export const embeddedPostgresInitSource = `
const [pglitePath, dataDir, settings] = process.argv.slice(1);
const { PGlite } = require(pglitePath);
PGlite.create(dataDir, { postgresqlconf: JSON.parse(settings) })
  .then((db) => db.close())
  .catch((error) => {
    process.stderr.write(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
`;
