import type { FlowDocument, FlowNode, NodeId } from './flow-document.js';
import { nodeTransitions } from './transitions.js';

/** A node present in both documents whose content differs, with the top-level fields that differ. */
export interface FlowNodeChange {
  node: NodeId;
  fields: string[];
}

/** A transition of a node kept in both documents whose target moved (null: absent on that side). */
export interface FlowRewiring {
  from: NodeId;
  event: string;
  old_target: NodeId | null;
  new_target: NodeId | null;
}

/** What changed from one flow document to another, node by node (what `GET /v1/flows/{id}/diff` answers). */
export interface FlowDocumentDiff {
  start: { old: NodeId; new: NodeId } | null;
  variables_changed: string[];
  nodes_added: NodeId[];
  nodes_removed: NodeId[];
  nodes_changed: FlowNodeChange[];
  transitions_rewired: FlowRewiring[];
}

/** JSON with object keys sorted, so two values equal in meaning compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Keys whose values differ between two records (present on one side only counts), sorted. */
function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonical(a[k]) !== canonical(b[k])).sort(byText);
}

/** A node's transitions by event (`next`, `choice:0`, `default`, ...). */
function targets(id: NodeId, node: FlowNode): Map<string, NodeId> {
  return new Map(nodeTransitions(id, node).map((t) => [t.event, t.to]));
}

function rewirings(id: NodeId, before: FlowNode, after: FlowNode): FlowRewiring[] {
  const old = targets(id, before);
  const now = targets(id, after);
  const out: FlowRewiring[] = [];
  // Events in the old document's order first, then those only the new one has.
  for (const event of new Set([...old.keys(), ...now.keys()])) {
    const o = old.get(event) ?? null;
    const n = now.get(event) ?? null;
    if (o !== n) out.push({ from: id, event, old_target: o, new_target: n });
  }
  return out;
}

/**
 * The semantic diff of two flow documents: the start node, variables, nodes added, removed and changed
 * (with which fields), and the transitions of kept nodes that now lead elsewhere. A node's transitions
 * are compared by event, so reordering a menu's choices shows as rewired `choice:N` events.
 *
 * @example
 * diffFlows(a, b).nodes_changed; // [{ node: 'main', fields: ['prompt'] }]
 */
export function diffFlows(from: FlowDocument, to: FlowDocument): FlowDocumentDiff {
  const before = Object.keys(from.nodes);
  const after = Object.keys(to.nodes);
  const kept = before.filter((id) => Object.hasOwn(to.nodes, id));
  const nodesChanged: FlowNodeChange[] = [];
  const rewired: FlowRewiring[] = [];
  for (const id of kept) {
    const a = from.nodes[id] as FlowNode;
    const b = to.nodes[id] as FlowNode;
    const fields = changedKeys(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>);
    if (fields.length === 0) continue;
    nodesChanged.push({ node: id, fields });
    rewired.push(...rewirings(id, a, b));
  }
  return {
    start: from.start === to.start ? null : { old: from.start, new: to.start },
    variables_changed: changedKeys(from.variables ?? {}, to.variables ?? {}),
    nodes_added: after.filter((id) => !Object.hasOwn(from.nodes, id)),
    nodes_removed: before.filter((id) => !Object.hasOwn(to.nodes, id)),
    nodes_changed: nodesChanged,
    transitions_rewired: rewired,
  };
}
