import type { ReplacesDialog } from '../backend.js';

/**
 * Reads a Replaces value (RFC 3891 §6.1): `call-id;to-tag=x;from-tag=y[;early-only]`, as a header or
 * percent-decoded from a Refer-To's `?Replaces=`. Undefined when the Call-ID or either tag is missing:
 * such a value names no dialog, and guessing one would join the wrong call.
 */
export function parseReplaces(value: string): ReplacesDialog | undefined {
  const [callId, ...params] = value.split(';').map((p) => p.trim());
  if (!callId) return undefined;
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (name === 'to-tag') toTag = v;
    else if (name === 'from-tag') fromTag = v;
    else if (name === 'early-only') earlyOnly = true;
  }
  if (!toTag || !fromTag) return undefined;
  return { callId, toTag, fromTag, earlyOnly };
}

/** The `Replaces=` of a Refer-To URI's headers part (after `?`), percent-decoded; undefined without one. */
export function replacesInHeaders(headers: string): string | undefined {
  for (const h of headers.split('&')) {
    const eq = h.indexOf('=');
    if (eq < 0 || h.slice(0, eq).toLowerCase() !== 'replaces') continue;
    try {
      return decodeURIComponent(h.slice(eq + 1));
    } catch {
      return '';
    }
  }
  return undefined;
}
