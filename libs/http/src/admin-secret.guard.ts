import { type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import type { Request } from 'express';
import { secretsMatch } from './secrets.js';

/** How an admin surface takes its secret: native APIs use Bearer, Tyk's API its own header. */
export type AdminSecretScheme = 'bearer' | 'x-tyk-authorization';

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

/** Closes an admin API to anyone without the admin secret (401, same answer for missing and wrong). */
export class AdminSecretGuard implements CanActivate {
  constructor(
    private readonly expectedSecret: string,
    private readonly scheme: AdminSecretScheme,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (secretsMatch(presentedSecret(request, this.scheme), this.expectedSecret)) return true;
    throw new PortcullisError('unauthorized');
  }
}
