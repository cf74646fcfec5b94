import { openCallerMedia } from '../../calls/bridged-call.js';
import { CallSession, type SessionDeps, type SessionTools } from '../../calls/call-session.js';
import { endCall, saveCallFlow } from '../../calls/lifecycle.js';
import { assignedNumber } from '../../numbers/service.js';
import type { CallsTable as CallRow } from '../../store/schema.js';
import type { DialOptions, InboundCall, InboundOffer, OutboundCall } from '../../telephony/backend.js';
import { loadRunnableFlow } from './flow-source.js';
import { type CallFlow, runLiveFlow } from './run-live-flow.js';
import type { SpeechRecognizer } from './speech.js';

/** A number's (or a schedule route's) `{type: 'flow'}` route. */
export interface FlowRoute {
  type: 'flow';
  flow_id: string;
  revision?: number | undefined;
}

/**
 * An inbound call to a number routed to a flow, its row open: the revision is picked as the call arrives
 * (the pinned one, else the latest published), the caller is answered and the flow runs in our media
 * plane; the call's `flow` (revision and path) is written as it goes. A flow deleted or unpublished
 * since the route was set (a race with the delete check) refuses the call with 480.
 */
export async function routeToFlow(
  deps: SessionDeps,
  engine: SessionTools,
  dial: ((o: DialOptions) => OutboundCall) | undefined,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
  route: FlowRoute,
  recognizer?: SpeechRecognizer,
): Promise<void> {
  const flow = await loadRunnableFlow(deps.db, row.account_id, route.flow_id, route.revision);
  if (!flow) {
    const why = `flow ${route.flow_id} has no published revision ${route.revision ?? ''}`.trim();
    engine.log.warn({ callId: row.id, flowId: route.flow_id }, 'flow route: nothing to run; the caller gets 480');
    await call.reject(480, 'Temporarily Unavailable', { Warning: `399 prolope "${why}"` });
    await endCall(deps, row, { by: 'callee', cause: 'rejected', sipCode: 480 });
    return;
  }
  const answering = await openCallerMedia(deps, engine, call, offer, row, 'flow');
  if (!answering) return;
  const session = new CallSession({ deps, engine, row, media: answering.media, sip: call, us: 'callee', reportDigits: true, hold: answering.hold });
  let reported = 0;
  const onPath = async (taken: CallFlow) => {
    if (taken.path.length === reported) return;
    const json = JSON.stringify(taken);
    // On the session's row, so the CDR written at the end carries it; in the store now, so a live call shows it.
    session.row = { ...session.row, flow: json };
    await saveCallFlow(deps, row.id, json);
    // Opt-in per revision (`node_events`): one event per node, written before the next effect, so its call shows the path to it.
    if (flow.document.node_events) {
      for (const node of taken.path.slice(reported)) await session.record('flow.node.entered', { flow_id: taken.flow_id, revision: taken.revision, node });
    }
    reported = taken.path.length;
  };
  try {
    await answering.answer();
    if (session.ended) return await session.ended;
    await session.answered();
    const secret = await signingSecret(deps, row);
    await session.runFlow(async (host) => {
      await runLiveFlow(
        flow,
        { id: row.id, from: row.from, to: row.to },
        {
          db: deps.db,
          clock: deps.clock,
          accountId: row.account_id,
          host,
          secret,
          recognizer,
          transfer: {
            deps,
            dial,
            carrier: engine.legs,
            parent: () => ({
              row: session.row,
              media: answering.media,
              log: engine.log,
              signal: session.signal,
              hold: answering.hold,
              prompts: deps.prompts?.(row.account_id),
            }),
          },
        },
        onPath,
      );
    }, secret);
  } catch (err) {
    if (session.ended) return await session.ended;
    engine.log.error({ err, callId: call.callId }, 'flow call failed');
    await call.hangup().catch(() => {});
    await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}

/** The number's voice signing secret, which signs the flow's `http` requests (none: they go unsigned). */
async function signingSecret(deps: SessionDeps, row: CallRow): Promise<string | undefined> {
  const number = await assignedNumber(deps, row.to);
  return number?.account_id === row.account_id ? (number.voice?.signing_secret ?? undefined) : undefined;
}
