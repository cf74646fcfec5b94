import { createHmac, timingSafeEqual } from 'node:crypto';

/** The base64 HMAC-SHA256 of `${id}.${timestamp}.${payload}`, without the `v1,` prefix. */
export function computeSignature(key: Uint8Array, id: string, timestamp: string | number, payload: string | Uint8Array): string {
  // Two updates instead of a template string so binary payloads are hashed as
  // the exact bytes received, never round-tripped through a JS string.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(payload).digest('base64');
}

/** Constant-time string comparison; lengths are public (every v1 signature is 44 chars). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
