import { pause, play, say } from './audio-verbs.js';
import type { CallHost, VerbLogger } from './call-host.js';
import { fetchInstructions, fetchWithFallback } from './fetch-instructions.js';
import { collectDigits } from './gather.js';
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
function fieldsOf(context: CallContext, extra: Record<string, string> = {}): Record<string, string> {
  return { ...context, ...extra };
}

/**
 * The call's first instructions: the voice application, then its fallback; when both fail the reasons
 * are logged and the caller hears an apology. Runs before the call is answered, so `reject` can refuse it.
 */
export async function firstInstructions(
  sources: InstructionSource[],
  req: { context: CallContext; secret: string | undefined; signal: AbortSignal; log: VerbLogger },
): Promise<Verb[]> {
  const result = await fetchWithFallback(sources, { fields: fieldsOf(req.context), secret: req.secret, signal: req.signal });
  if (Array.isArray(result)) return result;
  req.log.warn({ callId: req.context.call_id, reasons: result.reasons }, 'voice application gave no instructions; apologising and hanging up');
  return APOLOGY_VERBS;
}

/** Instructions from a gather's action URL or a redirect; an apology when that request fails. */
async function nextInstructions(source: InstructionSource, host: CallHost, extra: Record<string, string> = {}): Promise<Verb[]> {
  try {
    return await fetchInstructions(source, { fields: fieldsOf(host.context(), extra), secret: host.secret, signal: host.signal });
  } catch (err) {
    if (host.signal.aborted) throw err;
    host.log.warn({ err, url: source.url, callId: host.context().call_id }, 'voice application request failed; apologising and hanging up');
    return APOLOGY_VERBS;
  }
}

/**
 * Runs verbs in order on an answered call, like TwiML: a gather with digits or a redirect replaces the
 * rest of the list with the instructions fetched. Resolves when the list ends or a `hangup` is reached
 * (the caller then hangs up the call); rejects with the abort reason when the call ends meanwhile.
 */
export async function runVerbs(verbs: Verb[], host: CallHost): Promise<void> {
  let queue = [...verbs];
  for (let verb = queue.shift(); verb; verb = queue.shift()) {
    host.signal.throwIfAborted();
    switch (verb.verb) {
      case 'answer':
        break; // the call was answered before the first verb
      case 'say':
        await say(verb, host, host.signal);
        break;
      case 'play':
        await play(verb, host, host.signal);
        break;
      case 'pause':
        await pause(verb.seconds, host.signal);
        break;
      case 'gather': {
        const digits = await collectDigits(verb, host);
        // With no input the next verb runs (no request), as in TwiML.
        if (digits !== '') queue = await nextInstructions({ url: verb.action_url, method: 'POST' }, host, { digits });
        break;
      }
      case 'redirect':
        queue = await nextInstructions({ url: verb.url, method: verb.method ?? 'POST' }, host);
        break;
      case 'reject':
        // Only meaningful before the answer, which the calls domain handles; afterwards it ends the call.
        host.log.warn({ callId: host.context().call_id }, 'reject after the call was answered: hanging up instead');
        return;
      case 'hangup':
        return;
    }
  }
}
