import { verbDefaults } from '../../http/contract.js';
import type { FetchLike } from '../../http/safe-fetch.js';
import { pause, play, say } from './audio-verbs.js';
import type { VerbHost, VerbLogger } from './verb-host.js';
import { fetchInstructions, fetchWithFallback } from './fetch-instructions.js';
import { collectDigits } from './gather.js';
import { recordCaller } from './record.js';
import { takeVoicemail } from './voicemail.js';
import type { CallContext, InstructionSource, Verb } from './verb-types.js';

/** What the caller hears when the voice application gives no usable instructions. */
export const APOLOGY = 'We are sorry, this call cannot be completed right now. Please try again later. Goodbye.';
const APOLOGY_VERBS: Verb[] = [{ verb: 'say', text: APOLOGY }, { verb: 'hangup' }];

/** The SIP answer for `reject`, by reason (RFC 3261 §21). */
export const REJECT_STATUS = {
  busy: { status: 486, reason: 'Busy Here' },
  unavailable: { status: 480, reason: 'Temporarily Unavailable' },
  rejected: { status: 603, reason: 'Decline' },
} as const;

/** The request fields sent with every request to the voice application. */
function fieldsOf(context: CallContext, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return { ...context, ...extra };
}

/**
 * The call's first instructions: the voice application, then its fallback; when both fail the reasons
 * are logged and the caller hears an apology. Runs before the call is answered, so `reject` can refuse it.
 */
export async function firstInstructions(
  sources: InstructionSource[],
  req: { context: CallContext; secret: string | undefined; signal: AbortSignal; log: VerbLogger; fetch?: FetchLike | undefined },
): Promise<Verb[]> {
  const result = await fetchWithFallback(sources, { fields: fieldsOf(req.context), secret: req.secret, signal: req.signal, fetch: req.fetch });
  if (Array.isArray(result)) return result;
  req.log.warn({ callId: req.context.call_id, reasons: result.reasons }, 'voice application gave no instructions; apologising and hanging up');
  return APOLOGY_VERBS;
}

/** Instructions from a gather's action URL or a redirect; an apology when that request fails. */
async function nextInstructions(source: InstructionSource, host: VerbHost, extra: Record<string, string | number> = {}): Promise<Verb[]> {
  try {
    return await fetchInstructions(source, { fields: fieldsOf(host.context(), extra), secret: host.secret, signal: host.signal, fetch: host.fetch });
  } catch (err) {
    if (host.signal.aborted) throw err;
    host.log.warn({ err, url: source.url, callId: host.context().call_id }, 'voice application request failed; apologising and hanging up');
    return APOLOGY_VERBS;
  }
}

/**
 * Lets code outside the interpreter change what a running call does (live call control, like
 * Twilio's call update): `replace` stops the current verb and the interpreter runs the given verbs
 * instead of the rest of its list.
 */
export class VerbInterrupts {
  private controller = new AbortController();
  private pending: Verb[] | undefined;

  /** Aborts when a replacement is waiting. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get hasPending(): boolean {
    return this.pending !== undefined;
  }

  replace(verbs: Verb[]): void {
    this.pending = [...verbs];
    this.controller.abort(new Error('instructions replaced'));
  }

  /** The replacement, once; arms a fresh signal for the verbs that follow. */
  take(): Verb[] {
    const verbs = this.pending ?? [];
    this.pending = undefined;
    this.controller = new AbortController();
    return verbs;
  }
}

/** Runs one verb; answers the instructions that replace the rest of the list, 'end' to stop, or undefined to go on. */
async function runVerb(verb: Verb, host: VerbHost): Promise<Verb[] | 'end' | undefined> {
  switch (verb.verb) {
    case 'answer':
      return undefined; // the call was answered before the first verb
    case 'say':
      await say(verb, host, host.signal);
      return undefined;
    case 'play':
      await play(verb, host, host.signal);
      return undefined;
    case 'pause':
      await pause(verb.seconds, host.signal);
      return undefined;
    case 'gather': {
      const digits = await collectDigits(verb, host);
      // With no input the next verb runs (no request), as in TwiML.
      return digits !== '' ? nextInstructions({ url: verb.action_url, method: 'POST' }, host, { digits }) : undefined;
    }
    case 'record': {
      const saved = await recordCaller(verb, host);
      if (!saved || !verb.action_url) return undefined;
      return nextInstructions({ url: verb.action_url, method: 'POST' }, host, {
        recording_id: saved.id,
        recording_url: saved.media_url,
        duration_seconds: saved.duration_seconds,
      });
    }
    case 'dial': {
      if (!host.dial) {
        host.log.warn({ callId: host.context().call_id }, 'dial: this Prolope cannot place calls (SIP off or no carrier); skipped');
        return undefined;
      }
      const result = await host.dial(verb, host.signal);
      // Keys pressed while bridged were meant for the other party, not for a later gather.
      while (host.digits.pending) await host.digits.take(0, host.signal);
      if (!verb.action_url) return undefined;
      return nextInstructions({ url: verb.action_url, method: 'POST' }, host, {
        dial_status: result.status,
        ...(result.callId ? { dial_call_id: result.callId } : {}),
        dial_duration_seconds: result.durationSeconds,
      });
    }
    case 'conference': {
      if (!host.conference) {
        host.log.warn({ callId: host.context().call_id }, 'conference: this call flow has no conference rooms; skipped');
        return undefined;
      }
      const result = await host.conference(verb, host.signal);
      // Keys pressed in the room were not meant for a later gather.
      while (host.digits.pending) await host.digits.take(0, host.signal);
      if (!verb.action_url || result.status === 'left') return undefined;
      return nextInstructions({ url: verb.action_url, method: 'POST' }, host, {
        conference_status: result.status,
        ...(result.conferenceId ? { conference_id: result.conferenceId } : {}),
        ...(result.error ? { conference_error: result.error } : {}),
        conference_duration_seconds: result.durationSeconds,
      });
    }
    case 'voicemail':
      await takeVoicemail(verb, host);
      return undefined;
    case 'redirect':
      return nextInstructions({ url: verb.url, method: verb.method ?? verbDefaults.redirect.method }, host);
    case 'reject':
      // Only meaningful before the answer, which the calls domain handles; afterwards it ends the call.
      host.log.warn({ callId: host.context().call_id }, 'reject after the call was answered: hanging up instead');
      return 'end';
    case 'hangup':
      return 'end';
  }
}

/**
 * Runs verbs in order on an answered call, like TwiML: a gather with digits, a record with an
 * action_url or a redirect replaces the rest of the list with the instructions fetched, and so does
 * a live-control replacement through `interrupts`. Resolves when the list ends or a `hangup` is
 * reached (the caller then hangs up the call); rejects with the abort reason when the call ends meanwhile.
 */
export async function runVerbs(verbs: Verb[], host: VerbHost, interrupts?: VerbInterrupts): Promise<void> {
  let queue = [...verbs];
  for (;;) {
    if (interrupts?.hasPending) queue = interrupts.take();
    const verb = queue.shift();
    if (!verb) return;
    host.signal.throwIfAborted();
    // Each verb sees a signal that also aborts on a replacement; only the call's own signal ends the run.
    const signal = interrupts ? AbortSignal.any([host.signal, interrupts.signal]) : host.signal;
    try {
      const next = await runVerb(verb, signal === host.signal ? host : { ...host, signal });
      if (next === 'end' && !interrupts?.hasPending) return;
      if (Array.isArray(next)) queue = next;
    } catch (err) {
      if (host.signal.aborted || !interrupts?.hasPending) throw err;
    }
  }
}
