import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LENGTH = 24;

/**
 * A generated digest password: 24 base62 characters (~142 bits). Base62 because PBX admin screens
 * and config files mangle quotes, colons and other punctuation.
 */
export function newSipPassword(): string {
  // Rejection sampling keeps every character equally likely (248 = 4 * 62); a plain `% 62` would favour
  // the first eight characters, which matters more for a 24-character password than for an API key.
  let out = '';
  while (out.length < LENGTH) {
    for (const b of randomBytes(LENGTH * 2)) {
      if (b < 248 && out.length < LENGTH) out += ALPHABET[b % 62];
    }
  }
  return out;
}
