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
  /** `$tyk_context.request_id`, made when first used. */
  requestId: string | null = null;

  /**
   * Removes headers by lower-case name: the request's own, and those an earlier edit added (Tyk
   * applies the global edits, then the path's, each deleting then setting on the same header map).
   */
  removeRequest(names: ReadonlySet<string>): void {
    const set = (this.removeHeaders ??= new Set());
    for (const name of names) set.add(name);
    if (this.addHeaders.length > 0) dropAdded(this.addHeaders, names);
  }

  removeResponse(names: ReadonlySet<string>): void {
    const set = (this.responseRemove ??= new Set());
    for (const name of names) set.add(name);
    if (this.responseAdd.length > 0) dropAdded(this.responseAdd, names);
  }
}

/** Removes, in place, the (flat) added headers whose lower-case name is in `names`. */
function dropAdded(added: string[], drop: ReadonlySet<string>): void {
  let kept = 0;
  for (let i = 0; i < added.length; i += 2) {
    if (drop.has(added[i]!.toLowerCase())) continue;
    added[kept++] = added[i]!;
    added[kept++] = added[i + 1]!;
  }
  added.length = kept;
}
