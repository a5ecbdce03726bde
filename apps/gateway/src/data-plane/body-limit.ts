import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

/** The streamed request body passed its size limit: the proxy answers 413 (see steps/size-limit.ts). */
export class BodyTooLargeError extends Error {
  readonly code = 'PORTCULLIS_BODY_TOO_LARGE';
}

/**
 * Counts a request body's bytes on their way to the upstream and fails the stream (which aborts the
 * upstream request) the moment they pass `limit`. The client's body is then left unread: the 413
 * closes the connection.
 */
class CountingBody extends Transform {
  private seen = 0;

  constructor(
    private readonly source: IncomingMessage,
    private readonly limit: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      this.source.unpipe(this);
      this.source.pause();
      done(new BodyTooLargeError('request body over its size limit'));
      return;
    }
    done(null, chunk);
  }
}

export function limitedBody(req: IncomingMessage, limit: number): Transform {
  const counted = new CountingBody(req, limit);
  req.on('error', (error) => counted.destroy(error));
  return req.pipe(counted);
}
