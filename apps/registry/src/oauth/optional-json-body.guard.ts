import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import type { Request } from 'express';

/**
 * For writes whose body may be left out: no body at all is fine, but a body that is there must
 * be JSON (a form would otherwise arrive as strings and be reported as the wrong mistake).
 */
@Injectable()
export class OptionalJsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (isEmpty(request) || request.is('application/json')) return true;
    throw new PortcullisError('unsupported_media_type');
  }
}

/** type-is counts `Content-Length: 0` (what fetch and curl send for a bodiless POST) as a body; here it is none. */
function isEmpty(request: Request): boolean {
  const length = request.headers['content-length'];
  return length === '0' || (length === undefined && request.headers['transfer-encoding'] === undefined);
}
