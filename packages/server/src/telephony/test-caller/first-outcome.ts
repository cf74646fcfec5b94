import type { UacCall, UacOutcome } from '../sip/uac-call.js';
import { hangUp, pause } from './answered-call.js';

/**
 * The INVITE's outcome; `'silent'` when not a single message came back within `noResponseMs` (the
 * transaction alone would retransmit for 32 s, too long for a tool); when `signal` aborts, the outcome
 * after a CANCEL (or a local 487 when there was nothing to cancel yet).
 */
export async function firstOutcome(call: UacCall, heard: () => boolean, noResponseMs: number, signal: AbortSignal | undefined): Promise<UacOutcome | 'silent'> {
  const controller = new AbortController();
  const silent = pause(noResponseMs, controller.signal).then(async () => {
    // Something came back (a 100 at least): keep waiting for the final answer.
    if (heard() || controller.signal.aborted) return new Promise<never>(() => {});
    return 'silent' as const;
  });
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal?.aborted) resolve('aborted');
    signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    const first = await Promise.race([call.outcome, silent, aborted]);
    if (first !== 'aborted') return first;
    const interrupted = { ok: false, status: 487, reason: 'interrupted', local: true } as const;
    // Before any answer there is nothing to CANCEL yet (§9.1); stopping the stack ends the INVITE.
    if (!heard()) return interrupted;
    await hangUp(call);
    return Promise.race([call.outcome, pause(1000).then(() => interrupted)]);
  } finally {
    controller.abort();
  }
}
