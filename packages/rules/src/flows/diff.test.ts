import { describe, expect, it } from 'vitest';
import { diffFlows, type FlowDocumentDiff } from './diff.js';
import type { FlowDocument, FlowNode } from './flow-document.js';

const bye: FlowNode = { type: 'hangup' };
const menu = (say: string, one: string, two: string): FlowNode => ({
  type: 'menu',
  prompt: { say },
  choices: [
    { digits: '1', next: one },
    { digits: '2', next: two },
  ],
  default: 'bye',
});
const base: FlowDocument = {
  start: 'main',
  variables: { tier: 'basic' },
  nodes: { main: menu('Press 1 or 2', 'sales', 'support'), sales: { type: 'say', text: 'Sales', next: 'bye' }, support: bye, bye },
};
const none: FlowDocumentDiff = { start: null, variables_changed: [], nodes_added: [], nodes_removed: [], nodes_changed: [], transitions_rewired: [] };
const withNodes = (nodes: Record<string, FlowNode>, extra: Partial<FlowDocument> = {}): FlowDocument => ({ ...base, ...extra, nodes });

describe('diffFlows', () => {
  const cases: [string, FlowDocument, FlowDocument, Partial<FlowDocumentDiff>][] = [
    ['the same document', base, base, {}],
    ['the same document with keys in another order', base, { nodes: base.nodes, variables: { tier: 'basic' }, start: 'main' }, {}],
    [
      'a prompt reworded: the node changed, no transition moved',
      base,
      withNodes({ ...base.nodes, main: menu('Press 1 for sales', 'sales', 'support') }),
      { nodes_changed: [{ node: 'main', fields: ['prompt'] }] },
    ],
    [
      'a choice rewired to a new node',
      base,
      withNodes({ ...base.nodes, main: menu('Press 1 or 2', 'sales', 'agent'), agent: { type: 'transfer', to: { type: 'number', number: '+35929000001' } } }),
      {
        nodes_added: ['agent'],
        nodes_changed: [{ node: 'main', fields: ['choices'] }],
        transitions_rewired: [{ from: 'main', event: 'choice:1', old_target: 'support', new_target: 'agent' }],
      },
    ],
    [
      'a node removed and the transition to it dropped',
      base,
      withNodes({ main: base.nodes.main as FlowNode, sales: { type: 'say', text: 'Sales' }, support: bye }),
      {
        nodes_removed: ['bye'],
        nodes_changed: [{ node: 'sales', fields: ['next'] }],
        transitions_rewired: [{ from: 'sales', event: 'next', old_target: 'bye', new_target: null }],
      },
    ],
    [
      'a transition added where there was none',
      withNodes({ ...base.nodes, sales: { type: 'say', text: 'Sales' } }),
      base,
      { nodes_changed: [{ node: 'sales', fields: ['next'] }], transitions_rewired: [{ from: 'sales', event: 'next', old_target: null, new_target: 'bye' }] },
    ],
    [
      'a node that changes type lists every field that differs',
      base,
      withNodes({ ...base.nodes, support: { type: 'voicemail', voicemail_box_id: 'vmb_1' } }),
      { nodes_changed: [{ node: 'support', fields: ['type', 'voicemail_box_id'] }] },
    ],
    [
      'start and variables',
      base,
      { ...base, start: 'sales', variables: { tier: 'gold', lang: 'en' } },
      { start: { old: 'main', new: 'sales' }, variables_changed: ['lang', 'tier'] },
    ],
    ['variables removed', base, { start: base.start, nodes: base.nodes }, { variables_changed: ['tier'] }],
    [
      'nested keys in another order, and a key present as undefined, are no change',
      withNodes({ ...base.nodes, support: { type: 'transfer', to: { type: 'number', number: '+35929000001' }, failure: undefined } }),
      withNodes({ ...base.nodes, support: { type: 'transfer', to: { number: '+35929000001', type: 'number' } } }),
      {},
    ],
    [
      'several fields changed are listed sorted',
      base,
      withNodes({ ...base.nodes, sales: { type: 'say', text: 'Sales team', next: 'main', voice: 'x' } }),
      {
        nodes_changed: [{ node: 'sales', fields: ['next', 'text', 'voice'] }],
        transitions_rewired: [{ from: 'sales', event: 'next', old_target: 'bye', new_target: 'main' }],
      },
    ],
    [
      'variables changed are listed sorted',
      { ...base, variables: { b: '1', a: '1', c: '1' } },
      { ...base, variables: { c: '2', b: '2', a: '2' } },
      { variables_changed: ['a', 'b', 'c'] },
    ],
    [
      'lists compare item by item, and a list is not an object with the same keys',
      withNodes({ ...base.nodes, support: { type: 'hangup', x: [1, 23], y: ['a'], z: null } as unknown as FlowNode }),
      withNodes({ ...base.nodes, support: { type: 'hangup', x: [12, 3], y: { 0: 'a' }, z: null } as unknown as FlowNode }),
      { nodes_changed: [{ node: 'support', fields: ['x', 'y'] }] },
    ],
  ];
  it.each(cases)('%s', (_name, from, to, expected) => {
    expect(diffFlows(from, to)).toEqual({ ...none, ...expected });
  });

  it('is the mirror image the other way round', () => {
    const to = withNodes({ ...base.nodes, main: menu('Press 1 or 2', 'support', 'sales'), extra: bye });
    const forward = diffFlows(base, to);
    const back = diffFlows(to, base);
    expect(back.nodes_added).toEqual(forward.nodes_removed);
    expect(back.nodes_removed).toEqual(forward.nodes_added);
    expect(back.transitions_rewired).toEqual(forward.transitions_rewired.map((r) => ({ ...r, old_target: r.new_target, new_target: r.old_target })));
  });
});
