// The interpreter's edges, one table row each: which transitions a run takes (with their events), the
// exact effects it asks for (no stray keys), and how odd results are read.
import { describe, expect, it } from 'vitest';
import type { FlowDocument, FlowNode } from './flow-document.js';
import { advanceFlow, type EffectResult, startFlow } from './flow-run.js';
import { type FlowScript, runFlow } from './run-script.js';
import { nodeTransitions } from './transitions.js';

const bye: FlowNode = { type: 'hangup' };
const flow = (nodes: Record<string, FlowNode>, extra: Partial<FlowDocument> = {}): FlowDocument => ({ start: 'a', nodes, ...extra });

describe('nodeTransitions: every node type, with its events', () => {
  const cases: [string, FlowNode, string[]][] = [
    ['say', { type: 'say', text: 'x', next: 'n' }, ['next:n']],
    ['play', { type: 'play', audio: 'aud_1', next: 'n' }, ['next:n']],
    ['set', { type: 'set', values: {}, next: 'n' }, ['next:n']],
    ['record', { type: 'record', next: 'n' }, ['next:n']],
    ['subflow', { type: 'subflow', flow_id: 'f', next: 'n' }, ['next:n']],
    ['menu', { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'x' }, { digits: '2', next: 'y' }], default: 'd' }, ['choice:0:x', 'choice:1:y', 'default:d']],
    ['gather', { type: 'gather', prompt: { say: 'p' }, into: 'v', next: 'n', failure: 'f' }, ['next:n', 'failure:f']],
    ['http', { type: 'http', url: 'https://x', next: 'n', failure: 'f' }, ['next:n', 'failure:f']],
    ['business_hours', { type: 'business_hours', schedule_id: 's', open: 'o', closed: 'c' }, ['open:o', 'closed:c']],
    ['condition', { type: 'condition', branches: [{ when: { all: [] }, next: 'x' }, { when: { any: [] }, next: 'y' }], else: 'e' }, ['branch:0:x', 'branch:1:y', 'else:e']],
    ['transfer', { type: 'transfer', to: { type: 'number', number: '+35924000001' }, failure: 'f' }, ['failure:f']],
    ['enqueue', { type: 'enqueue', queue_id: 'q', failure: 'f' }, ['failure:f']],
    ['voicemail', { type: 'voicemail', voicemail_box_id: 'v' }, []],
    ['return', { type: 'return' }, []],
    ['hangup', bye, []],
    ['say with no next', { type: 'say', text: 'x' }, []],
  ];
  it.each(cases)('%s', (_, node, expected) => {
    const ts = nodeTransitions('a', node);
    expect(ts.map((t) => `${t.event}:${t.to}`)).toEqual(expected);
    for (const t of ts) expect(t.from).toBe('a');
  });
});

describe('runFlow: transitions taken and outcomes', () => {
  const cases: [string, FlowDocument, FlowScript, { taken: string[]; outcome: unknown; heard?: string[]; path?: string[] }][] = [
    [
      'play, then record into a variable',
      flow({ a: { type: 'play', audio: 'aud_1', next: 'r' }, r: { type: 'record', into: 'rec', next: 's' }, s: { type: 'say', text: 'got {{rec}}', next: 'h' }, h: bye }),
      {},
      { taken: ['a --next--> r', 'r --next--> s', 's --next--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' }, heard: ['[play aud_1]', 'got rec_offline_1'] },
    ],
    [
      'an enqueue refused takes its failure',
      flow({ a: { type: 'enqueue', queue_id: 'q', failure: 'h' }, h: bye }),
      { enqueue: 'refused' },
      { taken: ['a --failure--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' } },
    ],
    [
      'an enqueue accepted ends the flow in the queue',
      flow({ a: { type: 'enqueue', queue_id: 'q', failure: 'h' }, h: bye }),
      {},
      { taken: [], outcome: { kind: 'enqueued', node: 'a', queue_id: 'q' } },
    ],
    [
      'menu attempts run out: the default, the menu entered once',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'h' }], max_attempts: 2, default: 'h' }, h: bye }),
      { steps: [{ silence: true }, { press: '9' }] },
      { taken: ['a --default--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' }, path: ['a', 'h'] },
    ],
    [
      'gather attempts run out: the failure',
      flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', pattern: '1+', max_attempts: 2, next: 'h', failure: 'f' }, f: { type: 'say', text: 'no', next: 'h' }, h: bye }),
      { steps: [{ press: '12' }, { silence: true }] },
      { taken: ['a --failure--> f', 'f --next--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' } },
    ],
    [
      'a gather answer that fits the pattern',
      flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', pattern: '1+', next: 'h' }, h: bye }),
      { steps: [{ press: '111' }] },
      { taken: ['a --next--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' } },
    ],
    [
      'an http answer: next; its pointer may leave out the first slash',
      flow({ a: { type: 'http', url: 'https://x', save: { t: 'customer/tier' }, next: 's', failure: 'h' }, s: { type: 'say', text: 'tier {{t}}', next: 'h' }, h: bye }),
      { http: { 'https://x': { body: { customer: { tier: 'gold' } } } } },
      { taken: ['a --next--> s', 's --next--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' }, heard: ['tier gold'] },
    ],
    [
      'an http failure: failure',
      flow({ a: { type: 'http', url: 'https://x', next: 'h', failure: 'f' }, f: { type: 'say', text: 'down', next: 'h' }, h: bye }),
      { http: { 'https://x': { fail: 'timeout' } } },
      { taken: ['a --failure--> f', 'f --next--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' } },
    ],
    [
      'a choice picked by digits skips a choice that has only phrases',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ phrases: ['sales'], next: 's' }, { digits: '1', next: 'h' }] }, s: bye, h: bye }),
      { steps: [{ press: '1' }] },
      { taken: ['a --choice:1--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' } },
    ],
    [
      'a key pressed at a speech-only menu counts as silence (the no-input prompt)',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, input: ['speech'], no_input: { say: 'nothing?' }, no_match: { say: 'what?' }, choices: [{ phrases: ['one'], next: 'h' }], max_attempts: 2 }, h: bye }),
      { steps: [{ press: '1' }, { say: 'one' }] },
      { taken: ['a --choice:0--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' }, heard: ['p', 'nothing?', 'p'] },
    ],
    [
      'words said at a keys-only menu count as silence',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, input: ['dtmf'], no_input: { say: 'nothing?' }, no_match: { say: 'what?' }, choices: [{ digits: '1', phrases: ['one'], next: 'h' }] }, h: bye }),
      { steps: [{ say: 'one' }, { press: '1' }] },
      { taken: ['a --choice:0--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' }, heard: ['p', 'nothing?', 'p'] },
    ],
    [
      'the script ends while a menu listens: the caller hung up there',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'h' }] }, h: bye }),
      {},
      { taken: [], outcome: { kind: 'caller_hangup', node: 'a' } },
    ],
    [
      'the caller hangs up at a menu',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'h' }], default: 'h' }, h: bye }),
      { steps: [{ hangup: true }, { press: '1' }] },
      { taken: [], outcome: { kind: 'caller_hangup', node: 'a' } },
    ],
    [
      'a subflow gets the call facts and its own variables; a value it does not return is empty',
      flow({ a: { type: 'subflow', flow_id: 'sub', parameters: { p: 'P' }, returns: { got: 'out', none: 'missing' }, next: 's' }, s: { type: 'say', text: '{{got}}/{{none}}', next: 'h' }, h: bye }),
      {
        call: { from: '+1', to: '+2', id: 'c9' },
        flows: { sub: { start: 'x', variables: { own: 'O' }, nodes: { x: { type: 'say', text: '{{call.from}} {{call.to}} {{call.id}} {{own}} {{p}}', next: 'r' }, r: { type: 'return', values: { out: 'done' } } } } },
      },
      {
        taken: ['a --enter--> sub/x', 'sub/x --next--> sub/r', 'a --next--> s', 's --next--> h'],
        outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' },
        heard: ['+1 +2 c9 O P', 'done/'],
      },
    ],
    [
      'a subflow that returns no values',
      flow({ a: { type: 'subflow', flow_id: 'sub', returns: { got: 'out' }, next: 's' }, s: { type: 'say', text: '[{{got}}]', next: 'h' }, h: bye }),
      { flows: { sub: { start: 'r', nodes: { r: { type: 'return' } } } } },
      { taken: ['a --enter--> sub/r', 'a --next--> s', 's --next--> h'], outcome: { kind: 'hangup', node: 'h', reason: 'hangup_node' }, heard: ['[]'] },
    ],
  ];
  it.each(cases)('%s', (_, f, script, expected) => {
    const t = runFlow(f, script);
    expect(t.taken).toEqual(expected.taken);
    expect(t.outcome).toEqual(expected.outcome);
    if (expected.heard) expect(t.heard).toEqual(expected.heard);
    if (expected.path) expect(t.path).toEqual(expected.path);
  });

  it('the offline call has default numbers and id', () => {
    const t = runFlow(flow({ a: bye }));
    expect(t.variables).toStrictEqual({ 'call.from': '+15550100', 'call.to': '+15550199', 'call.id': 'call_offline' });
  });
});

describe('effects: exactly the keys each node asks for', () => {
  const first = (f: FlowDocument) => startFlow(f, { from: '+1', to: '+2' }).effect;
  const cases: [string, FlowNode, unknown][] = [
    ['a subflow following the latest', { type: 'subflow', flow_id: 'f' }, { kind: 'load_flow', flow_id: 'f' }],
    ['a subflow pinned', { type: 'subflow', flow_id: 'f', revision: 2 }, { kind: 'load_flow', flow_id: 'f', revision: 2 }],
    ['a transfer with a timeout', { type: 'transfer', to: { type: 'number', number: '+3' }, timeout_seconds: 20 }, { kind: 'transfer', to: { type: 'number', number: '+3' }, timeout_seconds: 20 }],
    ['a transfer without one', { type: 'transfer', to: { type: 'number', number: '+3' } }, { kind: 'transfer', to: { type: 'number', number: '+3' } }],
    [
      'a menu of keys only',
      { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', phrases: [], next: 'x' }] },
      { kind: 'collect', prompts: [{ say: 'p' }], input: ['dtmf'], timeout_seconds: 5, max_digits: 1 },
    ],
    [
      'a menu with phrases listens to speech too, and lists only the phrases there are',
      { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'x' }, { phrases: ['sales'], next: 'x' }] },
      { kind: 'collect', prompts: [{ say: 'p' }], input: ['dtmf', 'speech'], timeout_seconds: 5, max_digits: 1, phrases: ['sales'] },
    ],
    [
      'a keys-only menu with phrases does not send them',
      { type: 'menu', prompt: { say: 'p' }, input: ['dtmf'], choices: [{ digits: '1', phrases: ['sales'], next: 'x' }] },
      { kind: 'collect', prompts: [{ say: 'p' }], input: ['dtmf'], timeout_seconds: 5, max_digits: 1 },
    ],
    ['a gather of speech, no limits', { type: 'gather', prompt: { say: 'p' }, into: 'v', input: ['speech'] }, { kind: 'collect', prompts: [{ say: 'p' }], input: ['speech'], timeout_seconds: 5 }],
    [
      'a gather with a finish key and a length',
      { type: 'gather', prompt: { say: 'p' }, into: 'v', max_length: 4, finish_on_key: '#' },
      { kind: 'collect', prompts: [{ say: 'p' }], input: ['dtmf'], timeout_seconds: 5, max_digits: 4, finish_on_key: '#' },
    ],
  ];
  it.each(cases)('%s', (_, node, expected) => {
    expect(first(flow({ a: node, x: bye }))).toStrictEqual(expected);
  });

  it('the call id is empty when the call has none', () => {
    expect(startFlow(flow({ a: { type: 'say', text: '[{{call.id}}]' } }), { from: '+1', to: '+2' }).effect).toStrictEqual({ kind: 'say', text: '[]' });
  });
});

describe('advanceFlow: a result of the wrong kind', () => {
  const at = (node: FlowNode, result: EffectResult) => {
    const step = startFlow(flow({ a: node, o: bye, f: bye }), { from: '+1', to: '+2' });
    return advanceFlow(step.state, result).state;
  };
  it('at business hours: closed', () => {
    expect(at({ type: 'business_hours', schedule_id: 's', open: 'o', closed: 'f' }, { kind: 'done' }).taken).toEqual(['a --closed--> f']);
  });
  it('at a transfer: its failure', () => {
    expect(at({ type: 'transfer', to: { type: 'number', number: '+3' }, failure: 'f' }, { kind: 'done' }).taken).toEqual(['a --failure--> f']);
  });
  it('at an enqueue: its failure', () => {
    expect(at({ type: 'enqueue', queue_id: 'q', failure: 'f' }, { kind: 'done' }).taken).toEqual(['a --failure--> f']);
  });
  it('at a record: no variable set', () => {
    const state = at({ type: 'record', into: 'rec', next: 'o' }, { kind: 'done' });
    expect(Object.keys(state.frames[0]?.vars ?? {})).toEqual(['call.from', 'call.to', 'call.id']);
    expect(state.taken).toEqual(['a --next--> o']);
  });
  it('at a record with no variable: none set', () => {
    const state = at({ type: 'record', next: 'o' }, { kind: 'recorded', recording_id: 'rec_1' });
    expect(Object.keys(state.frames[0]?.vars ?? {})).toEqual(['call.from', 'call.to', 'call.id']);
  });
});
