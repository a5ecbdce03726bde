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
    // type-is: null when the request has no body, false when it has one of another type.
    const type = request.is('application/json');
    if (type === null || type) return true;
    throw new PortcullisError('unsupported_media_type');
  }
}
