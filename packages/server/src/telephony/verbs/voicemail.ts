import { verbDefaults } from '../../http/contract.js';
import { captureCaller } from './record.js';
import type { VerbHost, VoicemailGreeting } from './verb-host.js';
import type { VoicemailVerb } from './verb-types.js';

/** Silence that ends a message: a caller who stopped talking has finished (the spec says five seconds). */
export const VOICEMAIL_SILENCE_SECONDS = 5;
/** The key that ends a message early. */
export const VOICEMAIL_FINISH_KEY = '#';

/** What a box without its own greeting says. */
export function genericGreeting(name: string): string {
  return `${name} is not available. Please leave a message after the tone, and press hash when you are done.`;
}

/**
 * Takes a message for a box of the call's account: its greeting (the box's own, or a generic one
 * naming it), a beep, then the caller's audio until the box's longest message, `#`, five seconds of
 * silence or the hang-up; the message is stored in every case but an empty one. A box the call
 * cannot use (another account's, deleted) is skipped with a warning, like a missing prompt.
 */
export async function takeVoicemail(verb: VoicemailVerb, host: VerbHost): Promise<void> {
  const callId = host.context().call_id;
  if (!host.voicemail) {
    host.log.warn({ callId }, 'voicemail: this call cannot store messages; skipped');
    return;
  }
  const box = await host.voicemail.box(verb.box_id);
  if (!box) {
    host.log.warn({ callId, boxId: verb.box_id }, 'voicemail: no such box on this account; skipped');
    return;
  }
  const kind = verb.greeting ?? verbDefaults.voicemail.greeting;
  const greeting: VoicemailGreeting = box.greetings[kind] ?? { type: 'tts', text: genericGreeting(box.greetings.name?.text ?? box.name) };
  const samples = await host.speak(greeting.text, { ...(greeting.language ? { language: greeting.language } : {}), signal: host.signal });
  await host.media.play(samples, { signal: host.signal });
  const { pcm, aborted } = await captureCaller(
    { beep: true, maxSeconds: box.maxSeconds, finishKey: VOICEMAIL_FINISH_KEY, timeoutSeconds: VOICEMAIL_SILENCE_SECONDS },
    host,
  );
  if (pcm.length > 0) {
    try {
      await host.voicemail.save(box.id, pcm);
    } catch (err) {
      host.log.warn({ err, callId, boxId: box.id }, 'voicemail: the message could not be stored');
    }
  }
  if (aborted !== undefined) throw aborted;
}
