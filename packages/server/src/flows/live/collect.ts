import type { EffectResult, FlowEffect, Prompt } from '@prolope/rules';
import { play, say } from '../../telephony/verbs/audio-verbs.js';
import { collectDigits, untilKey } from '../../telephony/verbs/gather.js';
import type { VerbHost } from '../../telephony/verbs/verb-host.js';
import type { GatherVerb } from '../../telephony/verbs/verb-types.js';
import type { SpeechRecognizer } from './speech.js';

/** A flow prompt through the `say` or `play` verb (`play` of `aud_...` is a stored prompt, else a URL). */
export function playPrompt(prompt: Prompt, host: VerbHost, signal: AbortSignal): Promise<void> {
  if ('say' in prompt)
    return say(
      { verb: 'say', text: prompt.say, ...(prompt.language ? { language: prompt.language } : {}), ...(prompt.voice ? { voice: prompt.voice } : {}) },
      host,
      signal,
    );
  return play(audioVerb(prompt.play), host, signal);
}

export function audioVerb(audio: string): { verb: 'play'; audio_id: string } | { verb: 'play'; url: string } {
  return /^aud_[0-9A-Za-z]+$/.test(audio) ? { verb: 'play', audio_id: audio } : { verb: 'play', url: audio };
}

/**
 * A menu's or gather's input: the prompts play in order until the first key (barge-in), then keys are
 * taken as the `gather` verb takes them. With speech allowed and a recognizer, it listens instead when
 * DTMF is not allowed; without one, a speech-only collect is no input.
 */
export async function collect(
  effect: Extract<FlowEffect, { kind: 'collect' }>,
  host: VerbHost,
  recognizer: SpeechRecognizer | undefined,
): Promise<EffectResult> {
  for (const prompt of effect.prompts) await untilKey(host, (signal) => playPrompt(prompt, host, signal));
  if (!effect.input.includes('dtmf')) {
    if (!recognizer || !effect.input.includes('speech')) return { kind: 'timeout' };
    const text = await recognizer.listen({ media: host.media, phrases: effect.phrases ?? [], timeoutMs: effect.timeout_seconds * 1000, signal: host.signal });
    return text ? { kind: 'speech', text } : { kind: 'timeout' };
  }
  // Only the fields collectDigits reads: the prompts have played above, and no action_url is asked.
  const gather = {
    verb: 'gather',
    timeout_seconds: effect.timeout_seconds,
    ...(effect.max_digits === undefined ? {} : { digits: effect.max_digits }),
    ...(effect.finish_on_key === undefined ? {} : { finish_on_key: effect.finish_on_key }),
  } as GatherVerb;
  const digits = await collectDigits(gather, host);
  return digits === '' ? { kind: 'timeout' } : { kind: 'digits', digits };
}
