import { holds } from './conditions.js';
import type { FlowDocument, FlowNode, GatherNode, InputKind, MenuNode, NodeId, Prompt, TransferTarget } from './flow-document.js';
import { saidPhrase } from './speech-match.js';
import { fillTemplate, type Variables } from './templates.js';

/**
 * What the flow asks the call to do next. The interpreter does no I/O: the host (a live call on the
 * server, or the offline runner) performs the effect and hands back its result with `advanceFlow`.
 */
export type FlowEffect =
  | { kind: 'say'; text: string; language?: string; voice?: string }
  | { kind: 'play'; audio: string }
  | {
      kind: 'collect';
      /** Played in order before listening: a retry's no-input or no-match prompt first, then the node's prompt. */
      prompts: Prompt[];
      input: InputKind[];
      timeout_seconds: number;
      /** For DTMF: stop after this many keys. */
      max_digits?: number;
      finish_on_key?: string;
      /** For speech: the phrases a recognizer's grammar should hold. */
      phrases?: string[];
    }
  | { kind: 'schedule'; schedule_id: string }
  | { kind: 'http'; method: 'GET' | 'POST'; url: string; body?: Record<string, string>; timeout_seconds: number }
  | { kind: 'load_flow'; flow_id: string; revision?: number }
  | { kind: 'transfer'; to: TransferTarget; timeout_seconds?: number }
  | { kind: 'record'; max_length_seconds?: number; finish_on_key?: string; beep: boolean }
  | { kind: 'voicemail'; voicemail_box_id: string }
  | { kind: 'enqueue'; queue_id: string }
  | { kind: 'hangup' };

/** The result of an effect, handed back to `advanceFlow`. `caller_hangup` may answer any effect. */
export type EffectResult =
  | { kind: 'done' }
  | { kind: 'digits'; digits: string }
  | { kind: 'speech'; text: string }
  | { kind: 'timeout' }
  | { kind: 'schedule'; open: boolean }
  | { kind: 'http'; status: number; body?: unknown }
  | { kind: 'http_failed'; reason: string }
  | { kind: 'flow'; flow: FlowDocument }
  | { kind: 'transfer'; connected: boolean }
  | { kind: 'recorded'; recording_id: string }
  | { kind: 'enqueue'; accepted: boolean }
  | { kind: 'caller_hangup' };

/** How a run ended. */
export type FlowOutcome =
  | { kind: 'hangup'; node: NodeId | null; reason: 'hangup_node' | 'no_transition' | 'loop_limit' }
  | { kind: 'caller_hangup'; node: NodeId }
  | { kind: 'transferred'; node: NodeId; to: TransferTarget }
  | { kind: 'voicemail'; node: NodeId; voicemail_box_id: string }
  | { kind: 'enqueued'; node: NodeId; queue_id: string };

interface Frame {
  /** '' for the flow the call started in, else the subflow's id. */
  flow: string;
  node: NodeId;
  vars: Record<string, string>;
  /** In the caller's frame: where to go when the subflow returns, and which values to take. */
  returns?: Record<string, string>;
  resume?: NodeId;
}

/** A run's whole state: plain data, so a host may store it between effects (JSON round-trips). */
export interface FlowRunState {
  flows: Record<string, FlowDocument>;
  frames: Frame[];
  /** The current menu's or gather's failed attempts so far. */
  attempts: number;
  /** A retry's prompt to play before the node's own prompt. */
  retryPrompt?: Prompt;
  /** The nodes entered, in order; a subflow's as `flow_id/node`. */
  path: string[];
  /** The transitions taken, as `from --event--> to` (a subflow's nodes prefixed as in `path`). */
  taken: string[];
  /** The effect waiting for its result. */
  pending?: FlowEffect;
  outcome?: FlowOutcome;
}

/** A step: the state after it, and the effect to perform (none once the run has ended). */
export interface FlowStep {
  state: FlowRunState;
  effect?: FlowEffect;
}

/** Nodes run in a row without an effect before the run is stopped (a loop of `set` and `condition`). */
export const MAX_SILENT_STEPS = 1000;
const DEFAULT_ATTEMPTS = 3;
const DEFAULT_TIMEOUT_SECONDS = 5;
const DEFAULT_HTTP_TIMEOUT_SECONDS = 5;

/** The call's facts a flow can read as `call.from`, `call.to` and `call.id`. */
export interface CallFacts {
  from: string;
  to: string;
  id?: string;
}

/**
 * Starts a flow for a call and runs it to its first effect.
 *
 * @example
 * let step = startFlow(flow, { from: '+359888123456', to: '+35924000000' });
 * while (step.effect) step = advanceFlow(step.state, await perform(step.effect));
 */
export function startFlow(flow: FlowDocument, call: CallFacts): FlowStep {
  const vars: Record<string, string> = { ...flow.variables, 'call.from': call.from, 'call.to': call.to, 'call.id': call.id ?? '' };
  const state: FlowRunState = { flows: { '': flow }, frames: [{ flow: '', node: flow.start, vars }], attempts: 0, path: [], taken: [] };
  return run(state, true);
}

/** Hands the pending effect's result to the run and runs it to its next effect. */
export function advanceFlow(previous: FlowRunState, result: EffectResult): FlowStep {
  if (previous.outcome || !previous.pending) return { state: previous };
  const state: FlowRunState = structuredClone(previous);
  const effect = state.pending as FlowEffect;
  state.pending = undefined;
  const frame = top(state);
  if (result.kind === 'caller_hangup') return end(state, { kind: 'caller_hangup', node: frame.node });
  const node = nodeOf(state, frame);
  switch (node.type) {
    case 'say':
    case 'play':
      return go(state, node.next, 'next');
    case 'menu':
      return menuAnswered(state, node, result);
    case 'gather':
      return gatherAnswered(state, node, result);
    case 'business_hours': {
      const open = result.kind === 'schedule' && result.open;
      return go(state, open ? node.open : node.closed, open ? 'open' : 'closed');
    }
    case 'http':
      return httpAnswered(state, node.save ?? {}, node.next, node.failure, result);
    case 'subflow':
      if (result.kind !== 'flow') return end(state, { kind: 'hangup', node: frame.node, reason: 'no_transition' });
      return enterSubflow(state, node.flow_id, node.parameters ?? {}, node.returns ?? {}, node.next, result.flow);
    case 'transfer':
      if (result.kind === 'transfer' && result.connected) return end(state, { kind: 'transferred', node: frame.node, to: node.to });
      return go(state, node.failure, 'failure');
    case 'record':
      if (node.into && result.kind === 'recorded') frame.vars[node.into] = result.recording_id;
      return go(state, node.next, 'next');
    case 'enqueue':
      if (result.kind === 'enqueue' && result.accepted) return end(state, { kind: 'enqueued', node: frame.node, queue_id: node.queue_id });
      return go(state, node.failure, 'failure');
    default:
      // Nodes without effects never wait; a stray result changes nothing.
      void effect;
      return { state: previous };
  }
}

function top(state: FlowRunState): Frame {
  return state.frames[state.frames.length - 1] as Frame;
}

function nodeOf(state: FlowRunState, frame: Frame): FlowNode {
  return (state.flows[frame.flow] as FlowDocument).nodes[frame.node] as FlowNode;
}

function label(frame: Frame, node: NodeId): string {
  return frame.flow === '' ? node : `${frame.flow}/${node}`;
}

function end(state: FlowRunState, outcome: FlowOutcome): FlowStep {
  state.outcome = outcome;
  return { state };
}

/** Follows a transition (or ends the call where there is none) and runs on to the next effect. */
function go(state: FlowRunState, to: NodeId | undefined, event: string): FlowStep {
  const frame = top(state);
  state.attempts = 0;
  state.retryPrompt = undefined;
  if (to === undefined) return end(state, { kind: 'hangup', node: frame.node, reason: 'no_transition' });
  state.taken.push(`${label(frame, frame.node)} --${event}--> ${label(frame, to)}`);
  frame.node = to;
  return run(state, true);
}

/** Runs nodes from the current one until one needs an effect or the run ends. */
function run(state: FlowRunState, entering: boolean): FlowStep {
  let enter = entering;
  for (let steps = 0; steps < MAX_SILENT_STEPS; steps++) {
    const frame = top(state);
    const node = (state.flows[frame.flow] as FlowDocument).nodes[frame.node];
    if (!node) return end(state, { kind: 'hangup', node: frame.node, reason: 'no_transition' });
    if (enter) state.path.push(label(frame, frame.node));
    enter = true;
    const vars = frame.vars;
    switch (node.type) {
      case 'set': {
        for (const [name, value] of Object.entries(node.values)) vars[name] = fillTemplate(value, vars);
        if (!follow(state, frame, node.next, 'next')) return { state };
        continue;
      }
      case 'condition': {
        const i = node.branches.findIndex((b) => holds(b.when, vars));
        const ok = i >= 0 ? follow(state, frame, node.branches[i]?.next, `branch:${i}`) : follow(state, frame, node.else, 'else');
        if (!ok) return { state };
        continue;
      }
      case 'return': {
        if (state.frames.length === 1) return end(state, { kind: 'hangup', node: frame.node, reason: 'no_transition' });
        state.frames.pop();
        const caller = top(state);
        for (const [ours, theirs] of Object.entries(caller.returns ?? {})) {
          const value = node.values?.[theirs];
          caller.vars[ours] = value === undefined ? '' : fillTemplate(value, vars);
        }
        const resume = caller.resume;
        caller.returns = undefined;
        caller.resume = undefined;
        if (!follow(state, caller, resume, 'next')) return { state };
        continue;
      }
      case 'hangup':
        state.pending = { kind: 'hangup' };
        state.outcome = { kind: 'hangup', node: frame.node, reason: 'hangup_node' };
        return { state, effect: state.pending };
      case 'voicemail':
        state.pending = { kind: 'voicemail', voicemail_box_id: node.voicemail_box_id };
        state.outcome = { kind: 'voicemail', node: frame.node, voicemail_box_id: node.voicemail_box_id };
        return { state, effect: state.pending };
      default:
        return wait(state, effectOf(state, node, vars));
    }
  }
  return end(state, { kind: 'hangup', node: top(state).node, reason: 'loop_limit' });
}

/** Takes a transition inside `run` (no effect between); false when the call ends for want of one. */
function follow(state: FlowRunState, frame: Frame, to: NodeId | undefined, event: string): boolean {
  if (to === undefined) {
    end(state, { kind: 'hangup', node: frame.node, reason: 'no_transition' });
    return false;
  }
  state.taken.push(`${label(frame, frame.node)} --${event}--> ${label(frame, to)}`);
  frame.node = to;
  return true;
}

function wait(state: FlowRunState, effect: FlowEffect): FlowStep {
  state.pending = effect;
  return { state, effect };
}

function effectOf(
  state: FlowRunState,
  node: Exclude<FlowNode, { type: 'set' | 'condition' | 'return' | 'hangup' | 'voicemail' }>,
  vars: Variables,
): FlowEffect {
  switch (node.type) {
    case 'say':
      return { kind: 'say', text: fillTemplate(node.text, vars), ...pick(node, ['language', 'voice']) };
    case 'play':
      return { kind: 'play', audio: fillTemplate(node.audio, vars) };
    case 'menu':
      return collectFor(state, node, menuInput(node), Math.max(0, ...node.choices.map((c) => c.digits?.length ?? 0)) || undefined, vars);
    case 'gather':
      return collectFor(state, node, node.input ?? ['dtmf'], node.max_length, vars);
    case 'business_hours':
      return { kind: 'schedule', schedule_id: node.schedule_id };
    case 'http':
      return {
        kind: 'http',
        method: node.method ?? (node.body ? 'POST' : 'GET'),
        url: fillTemplate(node.url, vars),
        ...(node.body ? { body: Object.fromEntries(Object.entries(node.body).map(([k, v]) => [k, fillTemplate(v, vars)])) } : {}),
        timeout_seconds: node.timeout_seconds ?? DEFAULT_HTTP_TIMEOUT_SECONDS,
      };
    case 'subflow':
      return { kind: 'load_flow', flow_id: node.flow_id, ...(node.revision === undefined ? {} : { revision: node.revision }) };
    case 'transfer':
      return { kind: 'transfer', to: node.to, ...pick(node, ['timeout_seconds']) };
    case 'record':
      return { kind: 'record', beep: node.beep ?? true, ...pick(node, ['max_length_seconds', 'finish_on_key']) };
    case 'enqueue':
      return { kind: 'enqueue', queue_id: node.queue_id };
  }
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function menuInput(node: MenuNode): InputKind[] {
  if (node.input) return node.input;
  return node.choices.some((c) => (c.phrases?.length ?? 0) > 0) ? ['dtmf', 'speech'] : ['dtmf'];
}

function fillPrompt(prompt: Prompt, vars: Variables): Prompt {
  return 'say' in prompt ? { ...prompt, say: fillTemplate(prompt.say, vars) } : { play: fillTemplate(prompt.play, vars) };
}

function collectFor(state: FlowRunState, node: MenuNode | GatherNode, input: InputKind[], maxDigits: number | undefined, vars: Variables): FlowEffect {
  const prompts = [...(state.retryPrompt ? [state.retryPrompt] : []), node.prompt].map((p) => fillPrompt(p, vars));
  const phrases = node.type === 'menu' ? node.choices.flatMap((c) => c.phrases ?? []) : [];
  return {
    kind: 'collect',
    prompts,
    input,
    timeout_seconds: node.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS,
    ...(maxDigits === undefined ? {} : { max_digits: maxDigits }),
    ...(node.type === 'gather' && node.finish_on_key !== undefined ? { finish_on_key: node.finish_on_key } : {}),
    ...(input.includes('speech') && phrases.length > 0 ? { phrases } : {}),
  };
}

/** A failed attempt: offer the node again with the retry prompt, or leave by `exit` once attempts run out. */
function retry(state: FlowRunState, maxAttempts: number | undefined, prompt: Prompt | undefined, exit: NodeId | undefined, event: string): FlowStep {
  state.attempts += 1;
  if (state.attempts >= (maxAttempts ?? DEFAULT_ATTEMPTS)) return go(state, exit, event);
  state.retryPrompt = prompt;
  const frame = top(state);
  return wait(state, effectOf(state, nodeOf(state, frame) as MenuNode | GatherNode, frame.vars));
}

function menuAnswered(state: FlowRunState, node: MenuNode, result: EffectResult): FlowStep {
  if (result.kind === 'digits' || result.kind === 'speech') {
    const i = node.choices.findIndex((c) =>
      result.kind === 'digits' ? c.digits !== undefined && c.digits === result.digits : (c.phrases ?? []).some((p) => saidPhrase(result.text, p)),
    );
    if (i >= 0) return go(state, node.choices[i]?.next, `choice:${i}`);
    return retry(state, node.max_attempts, node.no_match, node.default, 'default');
  }
  return retry(state, node.max_attempts, node.no_input, node.default, 'default');
}

function gatherAnswered(state: FlowRunState, node: GatherNode, result: EffectResult): FlowStep {
  if (result.kind === 'digits' || result.kind === 'speech') {
    const value = result.kind === 'digits' ? result.digits : result.text.trim();
    if (validAnswer(node, value)) {
      top(state).vars[node.into] = value;
      return go(state, node.next, 'next');
    }
    return retry(state, node.max_attempts, node.invalid, node.failure, 'failure');
  }
  return retry(state, node.max_attempts, undefined, node.failure, 'failure');
}

/** Whether an answer has the gather's length and matches its whole pattern. */
export function validAnswer(node: Pick<GatherNode, 'min_length' | 'max_length' | 'pattern'>, value: string): boolean {
  if (value === '') return false;
  if (node.min_length !== undefined && value.length < node.min_length) return false;
  if (node.max_length !== undefined && value.length > node.max_length) return false;
  return node.pattern === undefined || new RegExp(`^(?:${node.pattern})$`, 'u').test(value);
}

function httpAnswered(
  state: FlowRunState,
  save: Record<string, string>,
  next: NodeId | undefined,
  failure: NodeId | undefined,
  result: EffectResult,
): FlowStep {
  if (result.kind !== 'http' || result.status < 200 || result.status > 299) return go(state, failure, 'failure');
  const vars = top(state).vars;
  for (const [name, pointer] of Object.entries(save)) vars[name] = textAt(result.body, pointer);
  return go(state, next, 'next');
}

/** The value at a JSON Pointer (RFC 6901) as text: strings as they are, other values as JSON, missing as ''. */
export function textAt(doc: unknown, pointer: string): string {
  let cur: unknown = doc;
  if (pointer !== '') {
    for (const raw of pointer.replace(/^\//, '').split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return '';
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

function enterSubflow(
  state: FlowRunState,
  flowId: string,
  parameters: Record<string, string>,
  returns: Record<string, string>,
  resume: NodeId | undefined,
  flow: FlowDocument,
): FlowStep {
  const caller = top(state);
  state.flows[flowId] = flow;
  caller.returns = returns;
  caller.resume = resume;
  const vars: Record<string, string> = {
    ...flow.variables,
    'call.from': caller.vars['call.from'] ?? '',
    'call.to': caller.vars['call.to'] ?? '',
    'call.id': caller.vars['call.id'] ?? '',
  };
  for (const [name, value] of Object.entries(parameters)) vars[name] = fillTemplate(value, caller.vars);
  state.frames.push({ flow: flowId, node: flow.start, vars });
  state.taken.push(`${label(caller, caller.node)} --enter--> ${flowId}/${flow.start}`);
  return run(state, true);
}
