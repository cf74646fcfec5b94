import { ProblemError } from '../errors.js';
import { readWavAs8kPcm } from '../telephony/media/index.js';
import { say } from '../telephony/verbs/audio-verbs.js';
import { collectDigits, untilKey } from '../telephony/verbs/gather.js';
import type { VerbHost } from '../telephony/verbs/verb-host.js';
import { deleteMessage, markHeard, messageMedia, type VoicemailDeps, verifyPin } from './service.js';
import { messagesToHear, type VoicemailMessageRow } from './store.js';

/** Wrong PINs before the menu says goodbye, as on most voicemail systems. */
export const PIN_TRIES = 3;
/** How long the menu waits for a key after a prompt; three waits in a row without one end the call. */
const KEY_WAIT_SECONDS = 10;
/** The longest PIN is 10 digits (the spec's VoicemailPin); a few more and `#` is surely forgotten. */
const MAX_PIN_KEYS = 12;
/** Messages one call walks through; a box with more is emptied over several calls. */
const MAX_MESSAGES = 100;

export const MENU_PROMPTS = {
  extension: 'Please enter the extension of the mailbox, then press pound.',
  pin: 'Please enter your PIN, then press pound.',
  wrongPin: 'That PIN is not correct.',
  noBox: 'You have no voicemail box.',
  options: 'Press 1 to replay, 2 to save, 3 to delete, pound for the next message, or star to exit.',
  notAnOption: 'That key is not an option.',
  saved: 'Message saved.',
  deleted: 'Message deleted.',
  noMore: 'No more messages.',
  goodbye: 'Goodbye.',
} as const;

/** Which box the caller listens to: their own (`*97`), or the box of an extension they enter (`*98`). */
export type MenuTarget = { own: string | undefined } | { byExtension: (extension: string) => Promise<string | undefined> };

/** "You have 1 new and 2 saved messages." */
export function summaryOf(fresh: number, saved: number): string {
  return `You have ${fresh} new and ${saved} saved ${fresh + saved === 1 ? 'message' : 'messages'}.`;
}

/**
 * The voicemail menu a registered phone reaches with `*97` (its own box) or `*98` (any box of the
 * account, by extension): PIN and `#` (three tries), the counts, then each message, new ones first,
 * followed by the options 1 replay, 2 save (marks it heard), 3 delete, `#` or 6 next, `*` exit. Keys
 * interrupt any prompt or message (barge-in). Saving and deleting go through the box's service, so the
 * message waiting indicator of the owner's phones follows. Resolves when the caller is done (the call
 * is then hung up); the PIN is never logged nor recorded.
 *
 * @example
 * ```ts
 * await session.runFlow((host) => listenMenu(deps, host, accountId, { own: boxId }), undefined);
 * ```
 */
export async function listenMenu(deps: VoicemailDeps, host: VerbHost, accountId: string, target: MenuTarget): Promise<void> {
  const speak = (text: string) => say({ verb: 'say', text }, host, host.signal);
  if ('own' in target && !target.own) return speak(`${MENU_PROMPTS.noBox} ${MENU_PROMPTS.goodbye}`);
  const boxId = await logIn(deps, host, accountId, target);
  if (!boxId) return speak(MENU_PROMPTS.goodbye);
  const messages = await messagesToHear(deps.db, accountId, boxId, MAX_MESSAGES);
  const fresh = messages.filter((m) => m.heard === 0).length;
  await untilKey(host, (signal) => say({ verb: 'say', text: summaryOf(fresh, messages.length - fresh) }, host, signal));
  for (const [i, message] of messages.entries()) {
    if ((await hear(deps, host, accountId, message, i + 1)) === 'exit') return speak(MENU_PROMPTS.goodbye);
  }
  await speak(`${MENU_PROMPTS.noMore} ${MENU_PROMPTS.goodbye}`);
}

/** Keys until `#` (or the wait), never recorded: the call session keeps them private. */
function keys(host: VerbHost, prompt: string): Promise<string> {
  return collectDigits(
    { verb: 'gather', action_url: 'about:blank', prompt: { verb: 'say', text: prompt }, finish_on_key: '#', digits: MAX_PIN_KEYS, timeout_seconds: KEY_WAIT_SECONDS },
    host,
  );
}

/**
 * The box the caller proves they hold, or undefined after three failures. An unknown extension and a
 * wrong PIN sound the same, so `*98` tells nobody which extensions have boxes.
 */
async function logIn(deps: VoicemailDeps, host: VerbHost, accountId: string, target: MenuTarget): Promise<string | undefined> {
  for (let attempt = 0; attempt < PIN_TRIES; attempt++) {
    let boxId: string | undefined;
    if ('own' in target) boxId = target.own;
    else {
      const extension = await keys(host, MENU_PROMPTS.extension);
      boxId = extension ? await target.byExtension(extension) : undefined;
    }
    const pin = await keys(host, MENU_PROMPTS.pin);
    if (boxId && pin && (await verifyPin(deps, accountId, boxId, pin))) return boxId;
    host.log.info({ callId: host.context().call_id, attempt: attempt + 1 }, 'voicemail menu: wrong PIN');
    await say({ verb: 'say', text: MENU_PROMPTS.wrongPin }, host, host.signal);
  }
  return undefined;
}

/** One option key after a prompt (barge-in); '' when none came in time. */
async function optionKey(host: VerbHost): Promise<string> {
  await untilKey(host, (signal) => say({ verb: 'say', text: MENU_PROMPTS.options }, host, signal));
  return (await host.digits.take(KEY_WAIT_SECONDS * 1000, host.signal)) ?? '';
}

/** A message removed (or changed) through the API while the caller listens is skipped, not an error. */
function gone(err: unknown): boolean {
  return err instanceof ProblemError && err.status === 404;
}

/** Plays message `n` and takes options until one moves on; 'exit' for `*` or three silent waits. */
async function hear(deps: VoicemailDeps, host: VerbHost, accountId: string, message: VoicemailMessageRow, n: number): Promise<'next' | 'exit'> {
  let pcm: Int16Array;
  try {
    pcm = readWavAs8kPcm(await messageMedia(deps, accountId, message.box_id, message.id));
  } catch (err) {
    if (gone(err)) return 'next';
    throw err;
  }
  const play = () =>
    untilKey(host, async (signal) => {
      await say({ verb: 'say', text: `${message.heard ? 'Saved' : 'New'} message ${n}.` }, host, signal);
      await host.media.play(pcm, { signal });
    });
  await play();
  for (let silent = 0; silent < PIN_TRIES; ) {
    const key = await optionKey(host);
    try {
      switch (key) {
        case '1':
          await play();
          continue;
        case '2':
          await markHeard(deps, accountId, message.box_id, message.id, true);
          await say({ verb: 'say', text: MENU_PROMPTS.saved }, host, host.signal);
          return 'next';
        case '3':
          await deleteMessage(deps, accountId, message.box_id, message.id);
          await say({ verb: 'say', text: MENU_PROMPTS.deleted }, host, host.signal);
          return 'next';
        case '#':
        case '6':
          return 'next';
        case '*':
          return 'exit';
        case '':
          silent++;
          continue;
        default:
          await say({ verb: 'say', text: MENU_PROMPTS.notAnOption }, host, host.signal);
      }
    } catch (err) {
      if (gone(err)) return 'next';
      throw err;
    }
  }
  return 'exit';
}
