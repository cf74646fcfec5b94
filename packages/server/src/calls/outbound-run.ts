import { iso } from '../clock.js';
import { recordEvent } from '../events/outbox.js';
import { toCall } from './call.js';
import { reportStatus } from './status-callback.js';
import type { Deps } from '../deps.js';
import type { CallEnd, DialFailure, OutboundCall } from '../telephony/backend.js';
import { firstInstructions } from '../telephony/verbs/interpreter.js';
import { CallSession, type SessionDeps, type SessionEngine } from './call-session.js';
import type { HangupReason } from './hangup-reason.js';
import { endCall } from './lifecycle.js';
import type { CallPlan } from './outbound.js';
import { type CallRow, updateCallRow } from './store.js';
import { callContext } from './voice-app.js';

/** `ringing` with `call.ringing` on the first 180/183 from the far end. */
export async function markRinging(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, row: CallRow, status: number): Promise<CallRow> {
  const now = deps.clock.now();
  const next = { ...row, status: 'ringing', sip_code: status, updated_at: iso(now) };
  const eventId = await deps.db.transaction().execute(async (tx) => {
    await updateCallRow(tx, row.id, { status: next.status, sip_code: status, updated_at: next.updated_at });
    return recordEvent(tx, { accountId: row.account_id, type: 'call.ringing', object: toCall(next), at: now });
  });
  reportStatus(deps, next, eventId, 'call.ringing');
  return next;
}

/** How a failed INVITE ends the call: busy (486), no_answer (480, 408, our ring timeout), canceled (our CANCEL), else failed. */
export function failureEnd(failure: DialFailure): CallEnd {
  if (failure.status === 487) return { by: 'caller', cause: 'canceled', sipCode: 487 };
  if (failure.local) return { by: 'system', cause: failure.status === 408 ? 'canceled' : 'error', sipCode: failure.status };
  return { by: 'callee', cause: 'rejected', sipCode: failure.status };
}

/**
 * One outbound call from the INVITE to the CDR: ringing, then either the final failure (worded by
 * `failureReason` for `hangup_reason`), or the answer, the instructions (inline or from the voice
 * application) in a CallSession, our BYE and `call.completed`.
 */
export async function runOutboundCall(
  deps: SessionDeps,
  engine: SessionEngine,
  call: OutboundCall,
  opened: CallRow,
  plan: CallPlan,
  failureReason: (f: DialFailure) => HangupReason,
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
    await endCall(deps, row, failureEnd(outcome), failureReason(outcome));
    return;
  }

  const session = new CallSession({ deps, engine, row, media: outcome.media, sip: call, us: 'caller', reportDigits: true });
  try {
    await session.answered();
    const secret = 'verbs' in plan ? undefined : plan.secret;
    const verbs =
      'verbs' in plan
        ? plan.verbs
        : await firstInstructions(plan.sources, { context: callContext(session.row), secret, signal: session.signal, log: engine.log, fetch: deps.fetch });
    if (session.ended) return await session.ended;
    await session.run(verbs, secret);
  } catch (err) {
    // A BYE from the far end ends the call through onEnd; anything else is our failure.
    if (session.ended) return await session.ended;
    engine.log.error({ err, callId: row.id }, 'outbound call failed');
    await call.hangup().catch(() => {});
    await session.finish({ by: 'system', cause: 'error' });
  }
}
