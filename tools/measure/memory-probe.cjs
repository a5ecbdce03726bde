// Preloaded by api-scale.mjs into the launcher (node --expose-gc --require): on SIGUSR2, a full GC,
// then the process's memory as one `MEMORY {...}` line on stderr.
process.on('SIGUSR2', () => {
  globalThis.gc();
  process.stderr.write(`MEMORY ${JSON.stringify(process.memoryUsage())}\n`);
});
