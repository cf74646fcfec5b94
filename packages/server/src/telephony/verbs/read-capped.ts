/** A response body larger than the limit we read. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Reads a fetch response body, refusing more than `maxBytes`: the URL is the customer's, and a huge or
 * endless answer must not fill the server's memory.
 */
export async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new BodyTooLargeError(`body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    size += part.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(`body is over the ${maxBytes}-byte limit`);
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks);
}
