import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { errorBody, PortcullisError } from '@portcullis/errors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { secretsMatch } from './secrets.js';

/** How an admin surface takes its secret: native APIs use Bearer, Tyk's API its own header. */
export type AdminSecretScheme = 'bearer' | 'x-tyk-authorization';

/**
 * RFC 9110 §15.5.2: a 401 names how to authenticate. Tyk's header is no registered scheme, so its
 * challenge names the header itself (an auth-scheme is any token).
 */
export const adminChallenges: Readonly<Record<AdminSecretScheme, string>> = Object.freeze({
  bearer: 'Bearer realm="portcullis-admin"',
  'x-tyk-authorization': 'X-Tyk-Authorization realm="portcullis-admin"',
});

function presentedSecret(request: Request, scheme: AdminSecretScheme): string | undefined {
  if (scheme === 'x-tyk-authorization') {
    const value = request.headers['x-tyk-authorization'];
    return typeof value === 'string' ? value : undefined;
  }
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function hasAdminSecret(request: Request, expectedSecret: string, scheme: AdminSecretScheme): boolean {
  return secretsMatch(presentedSecret(request, scheme), expectedSecret);
}

/**
 * The same check as Express middleware, mounted on an admin path prefix ahead of body parsing: a
 * caller without the secret learns nothing from how its body is parsed (401, not 400 or 413), and
 * its body is never read.
 */
export function requireAdminSecret(
  expectedSecret: string,
  scheme: AdminSecretScheme,
  options: { publicPaths?: readonly string[]; render?: () => unknown } = {},
): RequestHandler {
  const publicPaths = options.publicPaths ?? [];
  const render = options.render ?? (() => errorBody('unauthorized'));
  return (request: Request, response: Response, next: NextFunction) => {
    // request.path is relative to where the middleware is mounted.
    if (publicPaths.some((path) => request.path === path || request.path.startsWith(`${path}/`))) return next();
    if (hasAdminSecret(request, expectedSecret, scheme)) return next();
    response.status(401).set('WWW-Authenticate', adminChallenges[scheme]).json(render());
  };
}

/** Closes an admin API to anyone without the admin secret (401, same answer for missing and wrong). */
export class AdminSecretGuard implements CanActivate {
  constructor(
    private readonly expectedSecret: string,
    private readonly scheme: AdminSecretScheme,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (hasAdminSecret(request, this.expectedSecret, this.scheme)) return true;
    throw new PortcullisError('unauthorized');
  }
}
