import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The e2e tier runs the built services as users do; `npm test` builds first. */
export default function requireBuild(): void {
  const missing = ['gateway', 'auth', 'registry', 'portcullis'].filter(
    (app) => !existsSync(fileURLToPath(new URL(`../../apps/${app}/dist/main.js`, import.meta.url))),
  );
  if (missing.length > 0) throw new Error(`The e2e tests run the built services; build them first (npm run build). Missing: ${missing.join(', ')}`);
}
