import { toE164 } from '../contacts/phone.js';
import { ProblemError } from '../errors.js';

export type NumberRef = { id: string } | { number: string };

/**
 * Reads the `{number}` path parameter: an id (`pn_...`) or the number itself. The router hands it
 * URL-decoded (`%2B359...` arrives as `+359...`). Digits without the `+` are read as E.164 first
 * (the contract says the path is E.164, and a raw `+` in a URL is easy to lose), then as a number
 * dialled in Bulgaria (`0888...`). Anything that is not a number is `null`: the caller answers 404,
 * since the path names no number this account could hold.
 */
export function parseNumberRef(raw: string): NumberRef | null {
  const ref = raw.trim();
  if (ref.startsWith('pn_')) return { id: ref };
  const candidates = /^[0-9]+$/.test(ref) ? [`+${ref}`, ref] : [ref];
  for (const candidate of candidates) {
    const number = e164OrNull(candidate);
    if (number) return { number };
  }
  return null;
}

function e164OrNull(input: string): string | null {
  try {
    return toE164(input, '/path/number');
  } catch (err) {
    if (err instanceof ProblemError) return null;
    throw err;
  }
}

export function describeRef(ref: NumberRef | null, raw: string): string {
  if (!ref) return raw;
  return 'id' in ref ? ref.id : ref.number;
}
