import { getHeaders, type SipRequest } from './sip-message.js';

/**
 * SIP extensions an INVITE may ask for (RFC 3261 §8.2.2.3): which we support, and the session timer
 * (RFC 4028) we answer.
 */

/** Option tags we support: session timers (refreshed by the caller) and Replaces (RFC 3891). Not `100rel`: no PRACK. */
export const SUPPORTED_OPTIONS: ReadonlySet<string> = new Set(['timer', 'replaces']);

/** Our Min-SE (RFC 4028 §5): the shortest session interval we accept, the RFC's own floor. */
export const MIN_SESSION_EXPIRES = 90;

/** The option tags of every `headerName` header (`Require`, `Supported`), lower-cased. */
export function optionTags(req: SipRequest, headerName: 'require' | 'supported'): string[] {
  return getHeaders(req, headerName)
    .flatMap((v) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

/** The `Require` tags we do not support (`100rel`, ...): non-empty means 420 with them in `Unsupported`. */
export function unsupportedRequired(req: SipRequest): string[] {
  return optionTags(req, 'require').filter((t) => !SUPPORTED_OPTIONS.has(t));
}

/** What an INVITE's session timer asks for, and how we answer it. */
export type SessionTimer =
  | { kind: 'none' }
  /** Shorter than our Min-SE: 422 with `Min-SE`. */
  | { kind: 'too-small' }
  /** Headers for our 2xx. */
  | { kind: 'accept'; headers: Array<[string, string]> };

/**
 * RFC 4028 §9 as a UAS that never refreshes itself: when the caller supports `timer`, its interval is
 * accepted with `refresher=uac` and `Require: timer`, so the caller's re-INVITEs or UPDATEs (answered
 * like any other) keep the session. A caller that does not support timers gets none (we would have to
 * refresh, which we do not). Garbled values are ignored as if absent.
 */
export function sessionTimer(req: SipRequest): SessionTimer {
  const value = getHeaders(req, 'session-expires')[0];
  if (value === undefined) return { kind: 'none' };
  const match = /^\s*(\d{1,10})\s*(?:;(.*))?$/.exec(value);
  if (!match) return { kind: 'none' };
  const seconds = Number(match[1]);
  if (seconds < MIN_SESSION_EXPIRES) return { kind: 'too-small' };
  const tags = [...optionTags(req, 'supported'), ...optionTags(req, 'require')];
  if (!tags.includes('timer')) return { kind: 'none' };
  return {
    kind: 'accept',
    headers: [
      ['Session-Expires', `${seconds};refresher=uac`],
      ['Require', 'timer'],
    ],
  };
}
