import { ConfigError } from '@portcullis/config';
import { createLogger } from '@portcullis/logging';
import { banner } from './banner.js';
import { loadPortcullisConfig } from './config.js';
import { launch } from './launch.js';
import { handleShutdown } from './shutdown.js';

let config;
try {
  config = loadPortcullisConfig(process.env);
} catch (error) {
  // A configuration mistake is the user's to fix: show the list of problems, not a stack.
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
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
  logger.fatal({ err: error }, error instanceof ConfigError ? error.message : 'Portcullis could not start');
  process.exit(1);
}
