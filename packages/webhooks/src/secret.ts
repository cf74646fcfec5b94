import { randomBytes } from 'node:crypto';
import { WebhookSecretError } from './errors.js';

const PREFIX = 'whsec_';
// Standard base64, padding optional: the alphabet every Standard Webhooks library emits.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Creates a fresh signing secret: `whsec_` followed by the base64 of
 * `bytes` random bytes (default 32; Standard Webhooks asks for 24 to 64).
 *
 * @example
 * ```ts
 * import { generateSecret } from '@prolope/webhooks';
 *
 * const secret = generateSecret(); // 'whsec_q0Yc...'
 * ```
 */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > 64) {
    throw new RangeError(`generateSecret(bytes): bytes must be an integer from 24 to 64; got ${String(bytes)}.`);
  }
  return PREFIX + randomBytes(bytes).toString('base64');
}

/** Decodes one or several `whsec_` secrets into HMAC keys. */
export function decodeSecrets(secretOrSecrets: unknown): Buffer[] {
  if (Array.isArray(secretOrSecrets)) {
    if (secretOrSecrets.length === 0) {
      throw new WebhookSecretError("No webhook secret given (an empty array). Pass the endpoint's signing secret, which starts with whsec_.");
    }
    return secretOrSecrets.map((secret, index) => decodeSecret(secret, ` at index ${index}`));
  }
  return [decodeSecret(secretOrSecrets, '')];
}

function decodeSecret(secret: unknown, where: string): Buffer {
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new WebhookSecretError(
      `No webhook secret given${where} (received ${describe(secret)}). Pass the endpoint's signing secret, which starts with whsec_; ` +
        'if you read it from an environment variable, check that the variable is set in this process.',
    );
  }
  // A trailing newline from a .env file or a secrets manager is the common case.
  const trimmed = secret.trim();
  if (!trimmed.startsWith(PREFIX)) {
    const hint = /^pk_/.test(trimmed)
      ? ' It looks like an API key; webhooks are signed with the endpoint secret instead.'
      : /^["']/.test(trimmed)
        ? ' It starts with a quote: remove the quotes around the value.'
        : '';
    throw new WebhookSecretError(
      `The webhook secret${where} does not start with whsec_.${hint} Copy the endpoint's signing secret (it starts with whsec_) ` +
        'from the dashboard or from the response that created the endpoint.',
    );
  }
  const encoded = trimmed.slice(PREFIX.length);
  if (encoded === '' || !BASE64.test(encoded)) {
    throw new WebhookSecretError(
      `The webhook secret${where} starts with whsec_ but the rest is not base64. Copy the endpoint's signing secret again, ` +
        'whole and unchanged (it starts with whsec_); it may have been truncated or edited.',
    );
  }
  return Buffer.from(encoded, 'base64');
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return 'an empty string';
  return `a ${typeof value}`;
}
