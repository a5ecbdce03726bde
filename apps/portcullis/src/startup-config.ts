import { ConfigError } from '@portcullis/config';
import { loadPortcullisConfig, type PortcullisConfig } from './config.js';
import { readServiceConfigs } from './embedded.js';
import { servicesEnvironment } from './launch.js';

/** Stands in for the admin secret settled later from DATA_DIR (a generated one is 43 characters). */
const SECRET_TO_COME = 'x'.repeat(43);

/**
 * The launcher's configuration, checked together with the services' (they read the rest of the
 * environment), before anything is claimed or started: one ConfigError lists every bad variable,
 * whichever part reads it, each once.
 */
export function loadStartupConfig(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): PortcullisConfig {
  const problems: string[] = [];
  let config: PortcullisConfig | undefined;
  try {
    config = loadPortcullisConfig(env, cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    readServiceConfigs({ ...(config ? servicesEnvironment(config, env) : env), ADMIN_SECRET: env.ADMIN_SECRET ?? SECRET_TO_COME });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return config!;
}
