import { relative } from 'node:path';
import type { AdminSecret } from './admin-secret.js';

export interface BannerInput {
  readonly urls: { readonly gateway: string; readonly registry: string; readonly auth: string };
  readonly adminSecret: AdminSecret;
  readonly dataDir: string;
  readonly cwd: string;
}

/**
 * What a person (and the e2e test) reads to find the running system. A secret the operator passed
 * in ADMIN_SECRET is theirs already and is not echoed; a generated one is shown, with where it is kept.
 */
export function banner({ urls, adminSecret, dataDir, cwd }: BannerInput): string {
  const { source } = adminSecret;
  const secretLine =
    source.kind === 'env'
      ? '  admin secret: from ADMIN_SECRET (not shown)'
      : `  admin secret: ${adminSecret.secret}  (${source.created ? 'generated, kept in' : 'from'} ${displayPath(source.path, cwd)})`;
  return [
    'Portcullis is running (embedded)',
    `  gateway   ${urls.gateway}`,
    `  registry  ${urls.registry}  (admin API: /admin/apis, docs: /admin/docs)`,
    `  portal    ${urls.registry}/portal  (developer portal)`,
    `  console   ${urls.registry}/console  (operator console: sign in with the admin secret)`,
    `  auth      ${urls.auth}`,
    secretLine,
    `  data: ${dataDir}`,
    '',
  ].join('\n');
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') || rel === '' ? path : `./${rel}`;
}
