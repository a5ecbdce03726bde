import type { IncomingMessage } from 'node:http';

export type BodyRead = { kind: 'read'; body: Buffer } | { kind: 'too-large' } | { kind: 'failed' };

/**
 * Reads a (small) request body whole, up to `limit` bytes. Only the OAuth endpoints buffer a body;
 * proxied requests stream. A declared length over the limit is refused before anything is read.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the 413 goes out with Connection: close, so the rest is never read.
        req.pause();
        done({ kind: 'too-large' });
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => done({ kind: 'read', body: Buffer.concat(chunks, size) });
    const onError = () => done({ kind: 'failed' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
