import { withoutNamed } from '../forwarding.js';
import type { RequestContext } from '../request-context.js';
import { failureResult, headerObject, rewrittenHeaders, transformContext, TRANSFORMED_BODY_LIMIT } from '../steps/transform-body.js';
import { errorResponseSaying } from '../error-responses.js';
import type { StepResult } from '../step.js';
import { transformPool } from './transform-pool.js';

/**
 * A response whose path has a `transform_jq_response` or `portcullis_transform_jsonata_response`
 * entry: the proxy hands it the head and the body instead of relaying them, and it answers once
 * the transform is done (the new body, Content-Length set to its length, rewrite_headers applied).
 * Only such paths are buffered; every other response streams. A body over TRANSFORMED_BODY_LIMIT
 * is not read further (502 upstream_body_too_large).
 */
export class ResponseBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  overLimit = false;

  constructor(
    private readonly ctx: RequestContext,
    private readonly status: number,
    /** The client response headers, flat, as the proxy would have written them. */
    private readonly headers: string[],
  ) {}

  /** False once the body passed the limit: the caller stops reading it. */
  add(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > TRANSFORMED_BODY_LIMIT) {
      this.overLimit = true;
      this.chunks.length = 0;
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  /** Runs the transform; `done` gets null once the answer is written, or the failure to answer with. */
  finish(done: (failure: StepResult | null) => void): void {
    const ctx = this.ctx;
    const entry = ctx.responseTransform!;
    const headers = headerObject(this.headers);
    // The response waits for done(); run() never rejects (a failure is an outcome, answered by done).
    void transformPool()
      .run({
        language: entry.language,
        direction: 'response',
        program: entry.program,
        input: entry.input,
        body: Buffer.concat(this.chunks, this.size),
        headers,
        context: transformContext(ctx, entry.language),
        status: this.status,
        maxBytes: TRANSFORMED_BODY_LIMIT,
      })
      .then((outcome) => {
        if (!outcome.ok) return done(failureResult(outcome, false));
        // XML read, JSON written.
        let written = withoutNamed(this.headers, entry.input === 'xml' ? xmlBodyHeaders : bodyHeaders);
        if (entry.input === 'xml') written.push('content-type', 'application/json');
        if (outcome.headers !== null) {
          const pairs = rewrittenHeaders(outcome.headers);
          if (typeof pairs === 'string') return done(errorResponseSaying('transform_failed', `The path's body transform failed: ${pairs}`));
          written = withoutNamed(written, new Set(pairs.map(([name]) => name.toLowerCase())));
          for (const [name, value] of pairs) written.push(name, value);
        }
        written.push('content-length', String(outcome.body.length));
        const cacheFill = ctx.cacheFill;
        if (cacheFill !== null) {
          cacheFill.onHead(this.status, written);
          cacheFill.onData(outcome.body);
          cacheFill.onComplete();
        }
        const extra = ctx.extraHeaders;
        if (extra !== null) for (let i = 0; i < extra.length; i++) written.push(extra[i]!);
        const answer = ctx.answerHeaders;
        if (answer !== null) for (let i = 0; i < answer.length; i++) written.push(answer[i]!);
        ctx.bytesOut += outcome.body.length;
        ctx.res.writeHead(this.status, written);
        ctx.res.end(outcome.body);
        done(null);
      });
  }
}

/** Headers of the upstream's body that no longer describe the transformed one. */
const bodyHeaders: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'etag', 'content-md5']);
const xmlBodyHeaders: ReadonlySet<string> = new Set([...bodyHeaders, 'content-type']);
