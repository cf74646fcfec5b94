import { comparisonsOf } from './conditions.js';
import { BUILTIN_VARIABLES, type FlowDocument, type FlowNode, type NodeId, type Prompt } from './flow-document.js';
import { type FlowObjectKind, type FlowReference, flowReferences, type KnownObjects } from './references.js';
import { words } from './speech-match.js';
import { templateVariables } from './templates.js';
import { nodeTransitions } from './transitions.js';

/** Stable codes of what `lintFlow` finds; documented in docs/flows.md. */
export type FlowProblemCode =
  | 'flow_start_unknown'
  | 'flow_unknown_node'
  | 'flow_unreachable_node'
  | 'flow_unknown_variable'
  | 'flow_dead_end'
  | 'flow_loop_without_exit'
  | 'flow_loop_without_limit'
  | 'flow_duplicate_choice'
  | 'flow_impossible_pattern'
  | 'flow_unknown_prompt'
  | 'flow_unknown_schedule'
  | 'flow_unknown_voicemail_box'
  | 'flow_unknown_ring_group'
  | 'flow_unknown_sip_user'
  | 'flow_unknown_subflow'
  | 'flow_closed_branch_missing'
  | 'flow_needs_contact_center';

/**
 * One problem `lintFlow` found.
 *
 * @example
 * const p: FlowProblem = { code: 'flow_unreachable_node', node: 'b', severity: 'error', message: 'No path from a reaches b.' };
 */
export interface FlowProblem {
  code: FlowProblemCode;
  /** The node it is about; null for the flow as a whole. */
  node: NodeId | null;
  /** Errors stop a publish; warnings do not. */
  severity: 'error' | 'warning';
  message: string;
}

export interface LintOptions {
  /**
   * The account objects the flow names that exist (a kind left out is not checked): a host looks up the
   * ids `referencedIds` lists, and any other id of a looked-up kind is reported as missing.
   */
  known?: KnownObjects;
  /** Whether the account has the contact center (queues); until then `enqueue` is reported. */
  contactCenter?: boolean;
}

const DTMF = /^[0-9*#]+$/;
/** Nodes that hang up, hand the call on, or return to a calling flow. */
const ENDING: ReadonlySet<FlowNode['type']> = new Set(['hangup', 'voicemail', 'return', 'transfer', 'enqueue']);
/** Nodes that never wait for the caller or the network: a loop of only these spins. */
const SILENT: ReadonlySet<FlowNode['type']> = new Set(['set', 'condition']);

/** Whether a node may end the call itself: an ending node, or an exit it leaves undeclared (the call ends there). */
function mayEnd(node: FlowNode): boolean {
  if (ENDING.has(node.type)) return true;
  switch (node.type) {
    case 'menu':
      return node.default === undefined;
    case 'gather':
    case 'http':
      return node.next === undefined || node.failure === undefined;
    case 'business_hours':
      return node.open === undefined || node.closed === undefined;
    case 'condition':
      return node.else === undefined;
    default:
      return !('next' in node) || node.next === undefined;
  }
}

function promptVariables(p: Prompt | undefined): string[] {
  if (!p) return [];
  return templateVariables('say' in p ? p.say : p.play);
}

/** The variables a node reads and the ones it sets. */
function variablesOf(node: FlowNode): { reads: string[]; sets: string[] } {
  const values = (r: Record<string, string> | undefined) => Object.values(r ?? {}).flatMap(templateVariables);
  switch (node.type) {
    case 'say':
      return { reads: templateVariables(node.text), sets: [] };
    case 'play':
      return { reads: templateVariables(node.audio), sets: [] };
    case 'menu':
      return { reads: [node.prompt, node.no_input, node.no_match].flatMap(promptVariables), sets: [] };
    case 'gather':
      return { reads: [node.prompt, node.invalid].flatMap(promptVariables), sets: [node.into] };
    case 'set':
      return { reads: values(node.values), sets: Object.keys(node.values) };
    case 'condition':
      return {
        reads: node.branches
          .flatMap((b) => comparisonsOf(b.when))
          .flatMap((c) => [c.left, ...(Array.isArray(c.right) ? c.right : [c.right])])
          .flatMap((o) => ('var' in o ? [o.var] : [])),
        sets: [],
      };
    case 'http':
      return { reads: [...templateVariables(node.url), ...values(node.body)], sets: Object.keys(node.save ?? {}) };
    case 'record':
      return { reads: [], sets: node.into ? [node.into] : [] };
    case 'subflow':
      return { reads: values(node.parameters), sets: Object.keys(node.returns ?? {}) };
    case 'return':
      return { reads: values(node.values), sets: [] };
    default:
      return { reads: [], sets: [] };
  }
}

/** Strongly connected components (Tarjan), each a list of node ids. */
function components(ids: readonly NodeId[], next: (id: NodeId) => NodeId[]): NodeId[][] {
  const index = new Map<NodeId, number>();
  const low = new Map<NodeId, number>();
  const onStack = new Set<NodeId>();
  const stack: NodeId[] = [];
  const out: NodeId[][] = [];
  let counter = 0;
  const visit = (v: NodeId) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: NodeId[] = [];
      let w: NodeId;
      do {
        w = stack.pop() as NodeId;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      out.push(scc.reverse());
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return out;
}

/**
 * Every problem of a flow document, each with its node and a stable code: what `validate` and
 * `prolope flows lint` report.
 *
 * @example
 * lintFlow({ start: 'a', nodes: { a: { type: 'say', text: 'Hi', next: 'b' } } });
 * // [{ code: 'flow_unknown_node', node: 'a', severity: 'error', message: 'a goes to b on next, and there is no node b.' }]
 */
export function lintFlow(flow: FlowDocument, options: LintOptions = {}): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const error = (code: FlowProblemCode, node: NodeId | null, message: string) => problems.push({ code, node, severity: 'error', message });
  const ids = Object.keys(flow.nodes);
  const nodes = flow.nodes;
  if (!Object.hasOwn(nodes, flow.start)) error('flow_start_unknown', null, `The flow starts at ${flow.start}, and there is no node ${flow.start}.`);

  const edges = new Map<NodeId, NodeId[]>();
  for (const id of ids) {
    const out: NodeId[] = [];
    for (const t of nodeTransitions(id, nodes[id] as FlowNode)) {
      if (Object.hasOwn(nodes, t.to)) out.push(t.to);
      else error('flow_unknown_node', id, `${id} goes to ${t.to} on ${t.event}, and there is no node ${t.to}.`);
    }
    edges.set(id, out);
  }
  const next = (id: NodeId) => edges.get(id) ?? [];

  // Reachable from the start.
  const reached = new Set<NodeId>();
  const todo = Object.hasOwn(nodes, flow.start) ? [flow.start] : [];
  while (todo.length > 0) {
    const id = todo.pop() as NodeId;
    if (reached.has(id)) continue;
    reached.add(id);
    todo.push(...next(id));
  }
  for (const id of ids) if (!reached.has(id)) error('flow_unreachable_node', id, `No path from ${flow.start} reaches ${id}.`);

  // Nodes from which the call can end: backwards from the nodes that may end it.
  const incoming = new Map<NodeId, NodeId[]>(ids.map((id) => [id, []]));
  for (const id of ids) for (const to of next(id)) incoming.get(to)?.push(id);
  const canEnd = new Set<NodeId>();
  // A transition to a node that does not exist ends the call there (reported above).
  const back = ids.filter((id) => mayEnd(nodes[id] as FlowNode) || nodeTransitions(id, nodes[id] as FlowNode).some((t) => !Object.hasOwn(nodes, t.to)));
  while (back.length > 0) {
    const id = back.pop() as NodeId;
    if (canEnd.has(id)) continue;
    canEnd.add(id);
    back.push(...(incoming.get(id) ?? []));
  }
  const inClosedLoop = new Set<NodeId>();
  for (const scc of components(ids, next)) {
    const first = scc[0] as NodeId;
    const loop = scc.length > 1 || next(first).includes(first);
    if (!loop) continue;
    const members = new Set(scc);
    // A loop is closed when nothing in it can end the call and no transition leaves it; a loop that only
    // leads into another closed loop is not itself closed: its nodes are reported as dead ends.
    const ends = scc.some((id) => canEnd.has(id));
    const leaves = scc.some((id) => next(id).some((to) => !members.has(to)));
    if (!ends && !leaves) {
      for (const id of scc) inClosedLoop.add(id);
      error('flow_loop_without_exit', first, `${scc.join(' -> ')} loop with no way out: add a hangup, a menu default or an attempt limit.`);
    } else if (ends && scc.every((id) => SILENT.has((nodes[id] as FlowNode).type))) {
      problems.push({
        code: 'flow_loop_without_limit',
        node: first,
        severity: 'warning',
        message: `${scc.join(' -> ')} loop without waiting for the caller; a call is stopped after many rounds.`,
      });
    }
  }
  for (const id of ids) {
    if (!canEnd.has(id) && !inClosedLoop.has(id)) error('flow_dead_end', id, `From ${id} the call can never end: every path runs into a loop with no way out.`);
  }

  const defined = new Set<string>([...BUILTIN_VARIABLES, ...Object.keys(flow.variables ?? {}), ...(flow.parameters ?? [])]);
  for (const id of ids) for (const name of variablesOf(nodes[id] as FlowNode).sets) defined.add(name);

  for (const id of ids) {
    const node = nodes[id] as FlowNode;
    for (const name of new Set(variablesOf(node).reads)) {
      if (!defined.has(name)) error('flow_unknown_variable', id, `${id} reads {{${name}}}, which no node sets and the flow does not declare.`);
    }
    switch (node.type) {
      case 'menu': {
        const digits = new Set<string>();
        const phrases = new Set<string>();
        node.choices.forEach((c, i) => {
          if (c.digits === undefined && (c.phrases?.length ?? 0) === 0) {
            error('flow_impossible_pattern', id, `Choice ${i} of ${id} has neither digits nor phrases, so no caller can pick it.`);
          }
          if (c.digits !== undefined) {
            if (!DTMF.test(c.digits)) error('flow_impossible_pattern', id, `Choice ${i} of ${id} wants "${c.digits}"; a phone sends only 0-9, * and #.`);
            if (digits.has(c.digits)) error('flow_duplicate_choice', id, `${id} offers ${c.digits} twice; only the first can be taken.`);
            digits.add(c.digits);
          }
          for (const p of c.phrases ?? []) {
            const key = words(p).join(' ');
            if (key === '') error('flow_impossible_pattern', id, `Choice ${i} of ${id} has a phrase with no words.`);
            else if (phrases.has(key)) error('flow_duplicate_choice', id, `${id} offers the phrase "${p}" twice; only the first can be taken.`);
            phrases.add(key);
          }
        });
        break;
      }
      case 'gather': {
        if (node.min_length !== undefined && node.max_length !== undefined && node.min_length > node.max_length) {
          error('flow_impossible_pattern', id, `${id} wants at least ${node.min_length} and at most ${node.max_length} characters.`);
        }
        if (node.finish_on_key !== undefined && !/^[0-9*#]$/.test(node.finish_on_key)) {
          error('flow_impossible_pattern', id, `${id} finishes on "${node.finish_on_key}"; a phone sends only 0-9, * and #.`);
        }
        if (node.pattern !== undefined) {
          try {
            new RegExp(node.pattern, 'u');
          } catch {
            error('flow_impossible_pattern', id, `The pattern of ${id} is not a valid regular expression: ${node.pattern}`);
          }
        }
        break;
      }
      case 'business_hours':
        if (node.closed === undefined) error('flow_closed_branch_missing', id, `${id} says where open calls go but not closed ones.`);
        break;
      case 'enqueue':
        if (!options.contactCenter) error('flow_needs_contact_center', id, `${id} puts the call in a queue, which needs the contact center (queues).`);
        break;
      default:
        break;
    }
  }
  const known = options.known ?? {};
  for (const r of flowReferences(flow)) {
    const problem = missingObject(r, known);
    if (problem) error(problem[0], r.node, problem[1]);
  }
  return problems;
}

const MISSING: Record<FlowObjectKind, [FlowProblemCode, string]> = {
  audio_prompt: ['flow_unknown_prompt', 'audio prompt'],
  schedule: ['flow_unknown_schedule', 'schedule'],
  voicemail_box: ['flow_unknown_voicemail_box', 'voicemail box'],
  ring_group: ['flow_unknown_ring_group', 'ring group'],
  sip_user: ['flow_unknown_sip_user', 'SIP user'],
  flow: ['flow_unknown_subflow', 'flow'],
};

/** The code and message when a named object is missing from the account (or a subflow cannot run yet). */
function missingObject(r: FlowReference, known: KnownObjects): [FlowProblemCode, string] | undefined {
  const [code, name] = MISSING[r.kind];
  const where = `${r.node} names ${r.id} in ${r.field}`;
  if (r.kind === 'flow') {
    if (!known.flow) return undefined;
    const latest = known.flow.get(r.id);
    if (latest === undefined) return [code, `${where}, and the account has no flow ${r.id}: a typo, or a flow of another account?`];
    if (latest === null) return [code, `${where}, which has no published revision yet: publish ${r.id} first.`];
    if (r.revision !== undefined && r.revision > latest) return [code, `${where}, pinned to revision ${r.revision}, and its revisions are 1 to ${latest}.`];
    return undefined;
  }
  const ids = known[r.kind];
  if (!ids || ids.has(r.id)) return undefined;
  return [code, `${where}, and the account has no ${name} ${r.id}: a typo, or one of another account?`];
}
