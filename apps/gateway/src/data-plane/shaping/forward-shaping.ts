/**
 * What the shape step decided for one request, for the proxy to apply: headers added and removed in
 * both directions, the method, the timeout and the path sent upstream. Made only for requests to
 * APIs that shape (RequestContext.shaping stays null otherwise); one fixed shape.
 */
export class ForwardShaping {
  /** Request headers to add, flat [name, value, ...]. */
  readonly addHeaders: string[] = [];
  /** Lower-case request header names not forwarded (deleted ones, the credential under strip_auth_data). */
  removeHeaders: Set<string> | null = null;
  /** The method sent upstream (method_transforms); null: the request's. */
  method: string | null = null;
  /** hard_timeouts, in milliseconds; -1: the API's timeout. */
  timeoutMs = -1;
  /** The upstream path and query after a URL rewrite; null: not rewritten. */
  upstreamPath: string | null = null;
  /** Response headers to add, flat. */
  readonly responseAdd: string[] = [];
  /** Lower-case response header names dropped. */
  responseRemove: Set<string> | null = null;

  removeRequest(names: readonly string[] | ReadonlySet<string>): void {
    const set = (this.removeHeaders ??= new Set());
    for (const name of names) set.add(name);
  }

  removeResponse(names: readonly string[]): void {
    const set = (this.responseRemove ??= new Set());
    for (const name of names) set.add(name);
  }
}
