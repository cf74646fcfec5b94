import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { CallEnd, DialFailure, OutboundCall } from '../telephony/backend.js';
import { DigitQueue } from '../telephony/verbs/digit-queue.js';
import { firstInstructions, runVerbs } from '../telephony/verbs/interpreter.js';
import { endCall, markAnswered, recordCallEvent } from './lifecycle.js';
import type { CallPlan, OutboundEngine } from './outbound.js';
import { type CallRow, updateCallRow } from './store.js';
import { callContext } from './voice-app.js';

/** `ringing` on the first 180/183 (no event: `call.answered` and `call.completed` follow). */
async function markRinging(deps: Pick<Deps, 'db' | 'clock'>, row: CallRow, status: number): Promise<CallRow> {
  const next = { ...row, status: 'ringing', sip_code: status, updated_at: iso(deps.clock.now()) };
  await deps.db.transaction().execute((tx) => updateCallRow(tx, row.id, { status: next.status, sip_code: status, updated_at: next.updated_at }));
  return next;
}

/** How a failed INVITE ends the call: busy (486), no_answer (480, 408, our ring timeout), canceled (our CANCEL), else failed. */
export function failureEnd(failure: DialFailure): CallEnd {
  if (failure.status === 487) return { by: 'caller', cause: 'canceled', sipCode: 487 };
  if (failure.local) return { by: 'system', cause: failure.status === 408 ? 'canceled' : 'error', sipCode: failure.status };
  return { by: 'callee', cause: 'rejected', sipCode: failure.status };
}

/**
 * One outbound call from the INVITE to the CDR: ringing, then either the final failure, or the answer,
 * the instructions (inline or from the voice application), our BYE and `call.completed`.
 */
export async function runOutboundCall(
  deps: Pick<Deps, 'db' | 'clock'>,
  engine: OutboundEngine,
  call: OutboundCall,
  opened: CallRow,
  plan: CallPlan,
): Promise<void> {
  let row = opened;
  let writes = Promise.resolve();
  call.onProgress((status) => {
    if (row.status !== 'queued') return;
    row = { ...row, status: 'ringing' };
    writes = writes.then(async () => {
      row = await markRinging(deps, opened, status);
    });
  });
  const outcome = await call.outcome;
  await writes;
  if (!outcome.ok) {
    await endCall(deps, row, failureEnd(outcome));
    return;
  }

  const media = outcome.media;
  const abort = new AbortController();
  let ended: Promise<void> | undefined;
  const finish = (end: CallEnd) => {
    if (ended) return ended;
    abort.abort();
    ended = media.close().then(async () => {
      await writes;
      await endCall(deps, row, end);
    });
    return ended;
  };
  call.onEnd((end) => void finish(end));
  media.onTimeout(() => {
    void call.hangup().finally(() => finish({ by: 'system', cause: 'rtp_timeout' }));
  });
  const record = (type: string, data: Record<string, unknown>) => {
    writes = writes
      .then(() => recordCallEvent(deps, row, type, data))
      .catch((err) => engine.log.error({ err, callId: row.id, type }, 'call event not recorded'));
    return writes;
  };
  const digits = new DigitQueue();

  try {
    row = await markAnswered(deps, row);
    media.onDtmf((digit) => {
      digits.push(digit);
      void record('call.dtmf', { digit });
    });
    const verbs =
      'verbs' in plan
        ? plan.verbs
        : await firstInstructions(plan.sources, { context: callContext(row), secret: plan.secret, signal: abort.signal, log: engine.log });
    if (!ended) {
      await runVerbs(verbs, {
        media,
        digits,
        speak: (text, opts) => engine.speak(text, opts),
        context: () => callContext(row),
        secret: 'verbs' in plan ? undefined : plan.secret,
        signal: abort.signal,
        gatherCompleted: (collected) => record('call.gather.completed', { digits: collected }),
        log: engine.log,
      });
      await writes;
    }
    if (ended) return await ended;
    await call.hangup();
    await finish({ by: 'caller', cause: 'normal' });
  } catch (err) {
    // A BYE from the far end ends the call through onEnd; anything else is our failure.
    if (ended) return await ended;
    engine.log.error({ err, callId: row.id }, 'outbound call failed');
    await call.hangup().catch(() => {});
    await finish({ by: 'system', cause: 'error' });
  }
}
