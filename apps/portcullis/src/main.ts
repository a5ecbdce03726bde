import { configOrExit, ConfigError } from '@portcullis/config';
import { createLogger, setLogOutput, terminalOutput } from '@portcullis/logging';
import { banner } from './banner.js';
import { launch } from './launch.js';
import { handleShutdown } from './shutdown.js';
import { loadStartupConfig } from './startup-config.js';

const config = configOrExit(() => loadStartupConfig(process.env));
// A person at a terminal reads the log; anywhere else (CI, docker, a pipe) a program does.
if (process.stdout.isTTY) setLogOutput(await terminalOutput());
const logger = createLogger('portcullis', config.logLevel);
const shutdown = handleShutdown(logger);

// The first start creates the embedded databases (several seconds): say something meanwhile.
process.stdout.write(`Starting Portcullis (embedded) on ${config.dataDir} ...\n`);

try {
  const portcullis = await launch(config, process.env);
  const urls = { gateway: portcullis.gateway.url, registry: portcullis.registry.url, auth: portcullis.auth.url };
  process.stdout.write(banner({ urls, adminSecret: portcullis.adminSecret, dataDir: config.dataDir, cwd: process.cwd() }));
  shutdown.ready(() => portcullis.close());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'Portcullis could not start');
  }
  process.exit(1);
}
