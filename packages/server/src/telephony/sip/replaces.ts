import type { ReplacesDialog } from '../backend.js';
import { parseParams } from './header-values.js';

/**
 * Reads a Replaces value (RFC 3891 §6.1): `call-id;to-tag=x;from-tag=y[;early-only]`, as a header or
 * percent-decoded from a Refer-To's `?Replaces=`. Undefined when the Call-ID or either tag is missing:
 * such a value names no dialog, and guessing one would join the wrong call.
 */
export function parseReplaces(value: string): ReplacesDialog | undefined {
  const semi = value.indexOf(';');
  const callId = (semi < 0 ? value : value.slice(0, semi)).trim();
  const params = semi < 0 ? {} : parseParams(value.slice(semi));
  if (!callId || !params) return undefined;
  const { 'to-tag': toTag, 'from-tag': fromTag } = params;
  if (!toTag || !fromTag) return undefined;
  return { callId, toTag, fromTag, earlyOnly: 'early-only' in params };
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
