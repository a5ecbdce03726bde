/**
 * Reads an HTTP client's response body whole, but never more than `maxBytes`: undefined when it is
 * larger (the body is then destroyed, so a hostile or broken peer cannot fill our memory).
 */
export async function readBoundedBody(body: AsyncIterable<Uint8Array> & { destroy(): unknown }, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }
  return Buffer.concat(chunks);
}
