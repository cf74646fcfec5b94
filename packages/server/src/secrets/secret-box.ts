import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts the few secrets Prolope must read back (a carrier's digest password: the realm and nonce
 * of its challenge are only known at call time, so a hash like a trunk's HA1 cannot answer it).
 * AES-256-GCM from node:crypto (OpenSSL) does the cryptography; only the text format is ours:
 * `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url. The key id (the key's SHA-256, first 8 hex) lets a
 * wrong key be named as such instead of failing as "bad data"; the context (e.g. the carrier's id) is
 * authenticated too, so a sealed value copied to another row does not open there.
 */
export interface SecretBox {
  /** The key's id, as found in what it seals. */
  readonly keyId: string;
  seal(plain: string, context: string): string;
  /** @throws SecretKeyMismatch when sealed with another key; Error when the text is damaged. */
  open(sealed: string, context: string): string;
}

export class SecretKeyMismatch extends Error {
  constructor(
    readonly sealedWith: string,
    readonly current: string,
  ) {
    super(
      `sealed with key ${sealedWith}, but this server's PROLOPE_SECRET_KEY is ${current}: start it with the key that sealed the value, or set the secret again`,
    );
    this.name = 'SecretKeyMismatch';
  }
}

const VERSION = 'v1';

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return {
    keyId,
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, id, iv, tag, body, ...rest] = sealed.split('.');
      if (version !== VERSION || !id || iv === undefined || tag === undefined || body === undefined || rest.length > 0) {
        throw new Error('not a sealed secret');
      }
      if (id !== keyId) throw new SecretKeyMismatch(id, keyId);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
