import { play, say } from './audio-verbs.js';
import type { VerbHost } from './verb-host.js';
import { verbDefaults } from '../../http/contract.js';
import type { GatherVerb } from './verb-types.js';

// A verb's defaults come from the spec (generated): verbs sit in a oneOf, where validation fills in none.
const DEFAULTS = verbDefaults.gather;

/**
 * Runs `sound` (a prompt, a voicemail message) until it ends or the caller presses a key (barge-in);
 * the key stays queued for whoever takes keys next. Nothing plays when a key is already waiting
 * (type-ahead). Rejects only when the call ends.
 */
export async function untilKey(host: VerbHost, sound: (signal: AbortSignal) => Promise<void>): Promise<void> {
  if (host.digits.pending) return;
  const { signal } = host;
  const bargeIn = new AbortController();
  const unwatch = host.digits.watch(() => bargeIn.abort());
  try {
    await sound(AbortSignal.any([signal, bargeIn.signal]));
  } catch (err) {
    // A key aborts the sound (its synthesis or playback); only the call ending is an error.
    if (signal.aborted || !bargeIn.signal.aborted) throw err;
  } finally {
    unwatch();
  }
}

/**
 * Collects DTMF: plays the prompt until the first key (barge-in), then takes keys until `digits` of
 * them, the finish key, or `timeout_seconds` without a key (also the wait for the first key after the
 * prompt). Returns the digits without the finish key; records `call.gather.completed`.
 */
export async function collectDigits(verb: GatherVerb, host: VerbHost): Promise<string> {
  const { signal } = host;
  const timeoutMs = (verb.timeout_seconds ?? DEFAULTS.timeout_seconds) * 1000;
  const finishKey = verb.finish_on_key ?? DEFAULTS.finish_on_key;

  const prompt = verb.prompt;
  if (prompt) await untilKey(host, (promptSignal) => (prompt.verb === 'say' ? say(prompt, host, promptSignal) : play(prompt, host, promptSignal)));

  let digits = '';
  for (;;) {
    const key = await host.digits.take(timeoutMs, signal);
    if (key === undefined || key === finishKey) break;
    digits += key;
    if (verb.digits !== undefined && digits.length >= verb.digits) break;
  }
  await host.gatherCompleted(digits);
  return digits;
}
