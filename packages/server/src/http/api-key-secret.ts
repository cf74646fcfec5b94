import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SECRET_PREFIX = 'pk_live_';
export const SECRET_PATTERN = /^pk_live_[0-9A-Za-z]{16,}$/;

/** A new secret: 40 base62 characters (~238 bits) after the prefix. */
export function newSecret(): string {
  const bytes = randomBytes(40);
  let out = '';
  // 256 % 62 leaves a small bias that does not matter at this length; rejection sampling is not worth it.
  for (const b of bytes) out += ALPHABET[b % 62];
  return SECRET_PREFIX + out;
}

/**
 * Keys are high-entropy random strings, so a plain SHA-256 is enough to store them (a slow password
 * hash protects guessable secrets, which these are not) and it lets us look a key up by its hash.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
