import { play, say } from './audio-verbs.js';
import type { VerbHost } from './verb-host.js';
import { verbDefaults } from '../../http/contract.js';
import type { GatherVerb } from './verb-types.js';

// A verb's defaults come from the spec (generated): verbs sit in a oneOf, where validation fills in none.
const DEFAULTS = verbDefaults.gather;

/**
 * Collects DTMF: plays the prompt until the first key (barge-in), then takes keys until `digits` of
 * them, the finish key, or `timeout_seconds` without a key (also the wait for the first key after the
 * prompt). Returns the digits without the finish key; records `call.gather.completed`.
 */
export async function collectDigits(verb: GatherVerb, host: VerbHost): Promise<string> {
  const { signal } = host;
  const timeoutMs = (verb.timeout_seconds ?? DEFAULTS.timeout_seconds) * 1000;
  const finishKey = verb.finish_on_key ?? DEFAULTS.finish_on_key;

  if (verb.prompt && !host.digits.pending) {
    const bargeIn = new AbortController();
    const unwatch = host.digits.watch(() => bargeIn.abort());
    const promptSignal = AbortSignal.any([signal, bargeIn.signal]);
    try {
      await (verb.prompt.verb === 'say' ? say(verb.prompt, host, promptSignal) : play(verb.prompt, host, promptSignal));
    } catch (err) {
      // A key during the prompt aborts it (its synthesis or playback); only the call ending is an error.
      if (signal.aborted || !bargeIn.signal.aborted) throw err;
    } finally {
      unwatch();
    }
  }

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
