import type { FlowDocument, Prompt } from './flow-document.js';
import { advanceFlow, type CallFacts, type EffectResult, type FlowEffect, type FlowOutcome, type FlowStep, startFlow } from './flow-run.js';

/** What a scripted caller does at each moment the flow listens. */
export type ScriptStep = { press: string } | { say: string } | { silence: true } | { hangup: true };

/**
 * A scripted call: the caller's actions and the answers of everything outside the flow.
 *
 * @example
 * const script: FlowScript = { steps: [{ press: '2' }], schedules: { sch_main: false }, transfer: 'failed' };
 */
export interface FlowScript {
  call?: Partial<CallFacts>;
  steps?: ScriptStep[];
  /** Whether each schedule is open at the call's time; a schedule left out is open. */
  schedules?: Record<string, boolean>;
  /** Answers of `http` nodes by URL (after variables are filled in); a URL left out fails as unreachable. */
  http?: Record<string, { status?: number; body?: unknown } | { fail: string }>;
  /** Subflows by id. */
  flows?: Record<string, FlowDocument>;
  /** Whether transfers connect (default) or fail. */
  transfer?: 'connected' | 'failed';
  /** Whether queues accept the call (default) or refuse it. */
  enqueue?: 'accepted' | 'refused';
}

/**
 * What happened on a scripted call.
 *
 * @example
 * const { path, heard, outcome } = runFlow(flow, { steps: [{ say: 'billing' }] });
 */
export interface FlowTranscript {
  /** The nodes entered, in order. */
  path: string[];
  /** What the caller heard: spoken text, or `[play <audio>]`. */
  heard: string[];
  variables: Record<string, string>;
  outcome: FlowOutcome;
  /** The transitions taken, as `from --event--> to`. */
  taken: string[];
  effects: FlowEffect[];
  /** Script steps the flow never asked for. */
  unused_steps: ScriptStep[];
}

const STEP_LIMIT = 10_000;

function heardOf(prompt: Prompt): string {
  return 'say' in prompt ? prompt.say : `[play ${prompt.play}]`;
}

/**
 * Runs a flow offline against a scripted caller: no network, no clock, the same interpreter live calls use.
 *
 * @example
 * const t = runFlow(flow, { steps: [{ press: '2' }], schedules: { sch_main: true } });
 * t.outcome; // { kind: 'transferred', node: 'billing', to: { type: 'number', number: '+35924000001' } }
 */
export function runFlow(flow: FlowDocument, script: FlowScript = {}): FlowTranscript {
  const steps = [...(script.steps ?? [])];
  const heard: string[] = [];
  const effects: FlowEffect[] = [];
  let recordings = 0;
  let step: FlowStep = startFlow(flow, { from: script.call?.from ?? '+15550100', to: script.call?.to ?? '+15550199', id: script.call?.id ?? 'call_offline' });
  for (let i = 0; step.effect && i < STEP_LIMIT; i++) {
    const effect: FlowEffect = step.effect;
    effects.push(effect);
    const result = answer(effect);
    if (!result) break;
    step = advanceFlow(step.state, result);
  }
  const { state } = step;
  const frame = state.frames[0];
  return {
    path: state.path,
    heard,
    variables: { ...frame?.vars },
    outcome: state.outcome ?? { kind: 'hangup', node: null, reason: 'loop_limit' },
    taken: state.taken,
    effects,
    unused_steps: steps,
  };

  function answer(effect: FlowEffect): EffectResult | undefined {
    switch (effect.kind) {
      case 'say':
        heard.push(effect.text);
        return { kind: 'done' };
      case 'play':
        heard.push(`[play ${effect.audio}]`);
        return { kind: 'done' };
      case 'collect': {
        for (const p of effect.prompts) heard.push(heardOf(p));
        const next = steps.shift();
        // A script that ends while the flow still listens: the caller hangs up.
        if (!next || 'hangup' in next) return { kind: 'caller_hangup' };
        if ('press' in next) return effect.input.includes('dtmf') ? { kind: 'digits', digits: next.press } : { kind: 'timeout' };
        if ('say' in next) return effect.input.includes('speech') ? { kind: 'speech', text: next.say } : { kind: 'timeout' };
        return { kind: 'timeout' };
      }
      case 'record': {
        const next = steps[0];
        if (next && 'hangup' in next) {
          steps.shift();
          return { kind: 'caller_hangup' };
        }
        recordings += 1;
        return { kind: 'recorded', recording_id: `rec_offline_${recordings}` };
      }
      case 'schedule':
        return { kind: 'schedule', open: script.schedules?.[effect.schedule_id] ?? true };
      case 'http': {
        const stub = script.http?.[effect.url];
        if (!stub) return { kind: 'http_failed', reason: `no answer scripted for ${effect.url}` };
        if ('fail' in stub) return { kind: 'http_failed', reason: stub.fail };
        return { kind: 'http', status: stub.status ?? 200, body: stub.body };
      }
      case 'load_flow': {
        const sub = script.flows?.[effect.flow_id];
        // A subflow the script does not hold ends the call where it is, as a missing transition would.
        return sub ? { kind: 'flow', flow: sub } : { kind: 'done' };
      }
      case 'transfer':
        return { kind: 'transfer', connected: script.transfer !== 'failed' };
      case 'enqueue':
        return { kind: 'enqueue', accepted: script.enqueue !== 'refused' };
      case 'voicemail':
      case 'hangup':
        return undefined;
    }
  }
}
