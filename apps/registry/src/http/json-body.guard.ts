import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import type { Request } from 'express';

/**
 * Writes must say they carry JSON: a form or text body would otherwise reach validation as
 * "missing" and be reported as a list of absent fields instead of the real mistake.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.is('application/json')) return true;
    throw new PortcullisError('unsupported_media_type');
  }
}
