import type { FlowDocument, FlowNode, NodeId } from './flow-document.js';

/** One typed transition of a node: the event that takes it and the node it leads to. */
export interface Transition {
  from: NodeId;
  /** `next`, `choice:1` (the menu's choice by its index), `default`, `failure`, `open`, `closed`, `branch:0`, `else`. */
  event: string;
  to: NodeId;
}

/** Every transition a node declares, in document order. Terminal nodes (hangup, voicemail, return) have none. */
export function nodeTransitions(from: NodeId, node: FlowNode): Transition[] {
  const out: Transition[] = [];
  const add = (event: string, to: NodeId | undefined) => {
    if (to !== undefined) out.push({ from, event, to });
  };
  switch (node.type) {
    case 'say':
    case 'play':
    case 'set':
    case 'record':
    case 'subflow':
      add('next', node.next);
      break;
    case 'menu':
      for (const [i, choice] of node.choices.entries()) add(`choice:${i}`, choice.next);
      add('default', node.default);
      break;
    case 'gather':
    case 'http':
      add('next', node.next);
      add('failure', node.failure);
      break;
    case 'business_hours':
      add('open', node.open);
      add('closed', node.closed);
      break;
    case 'condition':
      for (const [i, branch] of node.branches.entries()) add(`branch:${i}`, branch.next);
      add('else', node.else);
      break;
    case 'transfer':
    case 'enqueue':
      add('failure', node.failure);
      break;
    case 'voicemail':
    case 'return':
    case 'hangup':
      break;
  }
  return out;
}

/** Every transition of the flow, node by node in document order. */
export function flowTransitions(flow: FlowDocument): Transition[] {
  return Object.entries(flow.nodes).flatMap(([id, node]) => nodeTransitions(id, node));
}

/** A transition's key in coverage reports: `from --event--> to`. */
export function transitionKey(t: Transition): string {
  return `${t.from} --${t.event}--> ${t.to}`;
}
