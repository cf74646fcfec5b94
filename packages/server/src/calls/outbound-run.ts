import type { DialFailure, OutboundCall } from '../telephony/backend.js';
import { firstInstructions } from '../telephony/verbs/interpreter.js';
import type { InstructionSource, Verb } from '../telephony/verbs/verb-types.js';
import { CallSession, type SessionDeps, type SessionTools } from './call-session.js';
import type { HangupReason } from './hangup-reason.js';
import { endCall, failureEnd, markRinging } from './lifecycle.js';
import type { CallRow } from './store.js';
import { callContext } from './voice-app.js';

/** What runs once the call is answered: inline verbs, or a voice application asked with the signing secret. */
export type CallPlan = { verbs: Verb[] } | { sources: InstructionSource[]; secret: string | undefined };

/**
 * One outbound call from the INVITE to the CDR: ringing, then either the final failure (worded by
 * `failureReason` for `hangup_reason`), or the answer, the instructions (inline or from the voice
 * application) in a CallSession, our BYE and `call.completed`.
 */
export async function runOutboundCall(
  deps: SessionDeps,
  engine: SessionTools,
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

  const session = new CallSession({ deps, engine, row, media: outcome.media, sip: call, us: 'caller', reportDigits: true, hold: outcome.hold });
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
