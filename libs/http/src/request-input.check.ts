import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import type { Observable } from 'rxjs';
import { inputProblem } from './request-input.js';

/** The parts of a routed request a handler reads its input from. */
export interface RoutedInput {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

/**
 * Refuses what no handler may receive (see `inputProblem`), once the route is known and the body
 * parsed: an id in the path that cannot exist is 404, a bad body or query field a 400 naming it.
 * A string body is left to the route's own strict parser (the OAuth forms), which decodes it and
 * runs the same check on what it decoded.
 */
export function checkRoutedInput(request: RoutedInput): void {
  if (inputProblem(request.params) !== undefined) throw new PortcullisError('not_found');
  const problem = inputProblem(request.query) ?? (typeof request.body === 'object' ? inputProblem(request.body) : undefined);
  if (problem !== undefined) throw new PortcullisError('validation_failed', undefined, [problem]);
}

/**
 * Installed globally where the bodies are parsed (`useJsonBodies`), so every HTTP route of every
 * service, a new one included, has its input checked before its pipes and handler run; the route's own exception filter renders the refusal in the route's shape (catalogue,
 * Tyk, RFC 6749 or portal page). Runs after the guards, so a caller without the admin secret still
 * learns nothing but 401. Bus handlers (inheritAppConfig) are skipped: their callers are trusted.
 */
@Injectable()
export class RequestInputCheck implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') checkRoutedInput(context.switchToHttp().getRequest<RoutedInput>());
    return next.handle();
  }
}
