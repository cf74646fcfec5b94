import { advanceFlow, type FlowStep, startFlow } from '@prolope/rules';
import type { Schema } from '../../http/contract.js';
import type { EffectTools } from './perform-effect.js';
import { performEffect } from './perform-effect.js';
import type { RunnableFlow } from './flow-source.js';

export type CallFlow = Schema<'CallFlow'>;

/**
 * Runs a published flow on an answered call to its end: the interpreter asks for an effect, the call
 * performs it, the result goes back. `onPath` is told the way taken so far after every step (the call's
 * `flow`, for `GET /v1/calls/{id}`). The caller hanging up makes the effect in progress reject (the
 * call's signal); the run is then told `caller_hangup`, so the path ends at the node they left from.
 */
export async function runLiveFlow(
  flow: RunnableFlow,
  call: { id: string; from: string; to: string },
  tools: EffectTools,
  onPath: (flow: CallFlow) => Promise<void>,
): Promise<FlowStep> {
  const report = (step: FlowStep) => onPath({ flow_id: flow.flowId, revision: flow.revision, path: step.state.path });
  let step = startFlow(flow.document, call);
  await report(step);
  while (step.effect) {
    let result: Awaited<ReturnType<typeof performEffect>>;
    try {
      result = await performEffect(step.effect, tools);
    } catch (err) {
      if (!tools.host.signal.aborted) throw err;
      result = { kind: 'caller_hangup' };
    }
    step = advanceFlow(step.state, result);
    await report(step);
    if (result.kind === 'caller_hangup') break;
  }
  return step;
}
