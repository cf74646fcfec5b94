import { describe, expect, it } from 'vitest';
import type { FlowDocument, FlowNode } from './flow-document.js';
import { lintFlow } from './lint.js';
import { mainMenu } from './test-flows.test-helper.js';

const bye: FlowNode = { type: 'hangup' };
const flow = (nodes: Record<string, FlowNode>, extra: Partial<FlowDocument> = {}): FlowDocument => ({ start: 'a', nodes, ...extra });
const codes = (f: FlowDocument, options = {}) => lintFlow(f, options).map((p) => `${p.code}@${p.node ?? '-'}`);

describe('lintFlow: one fixture per defect', () => {
  const cases: [string, FlowDocument, string[], object?][] = [
    ['a clean flow', mainMenu, []],
    ['unknown start', flow({ b: bye }, { start: 'x' }), ['flow_start_unknown@-', 'flow_unreachable_node@b']],
    ['unknown node', flow({ a: { type: 'say', text: 'x', next: 'ghost' } }), ['flow_unknown_node@a']],
    ['unreachable node', flow({ a: bye, b: bye }), ['flow_unreachable_node@b']],
    ['unknown variable in say', flow({ a: { type: 'say', text: 'Hi {{name}} {{name}}', next: 'b' }, b: bye }), ['flow_unknown_variable@a']],
    [
      'a variable set by set, gather, record, http, subflow is known',
      flow(
        {
          a: { type: 'set', values: { x: '1' }, next: 'g' },
          g: { type: 'gather', prompt: { say: '{{x}}' }, into: 'y', next: 'r' },
          r: { type: 'record', into: 'z', next: 'h' },
          h: { type: 'http', url: 'https://e.x/{{y}}', body: { z: '{{z}}' }, save: { w: '/w' }, next: 's', failure: 'b' },
          s: { type: 'subflow', flow_id: 'f', parameters: { p: '{{w}}' }, returns: { v: 'v' }, next: 'c' },
          c: { type: 'condition', branches: [{ when: { left: { var: 'v' }, op: 'eq', right: { var: 'call.from' } }, next: 'ret' }], else: 'b' },
          ret: { type: 'return', values: { out: '{{v}} {{p0}}' } },
          b: bye,
        },
        { parameters: ['p0'] },
      ),
      [],
    ],
    [
      'unknown variables in conditions, menus, gathers, http, subflow and return',
      flow({
        a: { type: 'condition', branches: [{ when: { any: [{ left: { var: 'u1' }, op: 'eq', right: [{ var: 'u2' }] }] }, next: 'm' }], else: 'm' },
        m: { type: 'menu', prompt: { say: '{{u3}}' }, no_input: { play: '{{u4}}' }, choices: [{ digits: '1', next: 'g' }], default: 'g' },
        g: { type: 'gather', prompt: { say: 'x' }, invalid: { say: '{{u5}}' }, into: 'k', next: 'h', failure: 'h' },
        h: { type: 'http', url: '{{u6}}', next: 's', failure: 's' },
        s: { type: 'subflow', flow_id: 'f', parameters: { p: '{{u7}}' }, next: 'p' },
        p: { type: 'play', audio: '{{u8}}', next: 'r' },
        r: { type: 'return', values: { o: '{{u9}}' } },
      }),
      [
        'flow_unknown_variable@a',
        'flow_unknown_variable@a',
        'flow_unknown_variable@m',
        'flow_unknown_variable@m',
        'flow_unknown_variable@g',
        'flow_unknown_variable@h',
        'flow_unknown_variable@s',
        'flow_unknown_variable@p',
        'flow_unknown_variable@r',
      ],
    ],
    ['declared variables are known', flow({ a: { type: 'say', text: '{{v}}' } }, { variables: { v: '' } }), []],
    [
      'a loop with no way out',
      flow({ a: { type: 'say', text: 'x', next: 'b' }, b: { type: 'play', audio: 'aud_1', next: 'a' } }),
      ['flow_loop_without_exit@a'],
    ],
    ['a self loop with no way out', flow({ a: { type: 'say', text: 'x', next: 'a' } }), ['flow_loop_without_exit@a']],
    [
      'a dead end before a closed loop',
      flow({ a: { type: 'say', text: 'x', next: 'b' }, b: { type: 'say', text: 'y', next: 'c' }, c: { type: 'play', audio: 'u', next: 'b' } }),
      ['flow_loop_without_exit@b', 'flow_dead_end@a'],
    ],
    [
      'a loop that only leads into a closed loop: dead ends',
      flow({
        a: { type: 'say', text: 'x', next: 'b' },
        b: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'a' }], default: 'c' },
        c: { type: 'say', text: 'y', next: 'c' },
      }),
      ['flow_loop_without_exit@c', 'flow_dead_end@a', 'flow_dead_end@b'],
    ],
    [
      'a loop of silent nodes with an exit',
      flow({
        a: { type: 'set', values: { n: '1' }, next: 'b' },
        b: { type: 'condition', branches: [{ when: { left: { var: 'n' }, op: 'eq', right: { value: 1 } }, next: 'a' }], else: 'c' },
        c: bye,
      }),
      ['flow_loop_without_limit@a'],
    ],
    [
      'a menu retry loop with a way out is fine',
      flow({
        a: {
          type: 'menu',
          prompt: { say: 'p' },
          choices: [
            { digits: '1', next: 'b' },
            { digits: '2', next: 'c' },
          ],
          default: 'a',
        },
        b: { type: 'say', text: 'again', next: 'a' },
        c: bye,
      }),
      [],
    ],
    [
      'a menu whose every choice and default loop back',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'b' }], default: 'a' }, b: { type: 'say', text: 'again', next: 'a' } }),
      ['flow_loop_without_exit@a'],
    ],
    [
      'a loop left by a gather failure is fine',
      flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', next: 'b', failure: 'c' }, b: { type: 'say', text: 'x', next: 'a' }, c: bye }),
      [],
    ],
    ['a loop left by an http node is fine', flow({ a: { type: 'http', url: 'https://x', next: 'a', failure: 'c' }, c: bye }), []],
    [
      'loops ended by business hours, transfer or enqueue are fine',
      flow({
        a: { type: 'business_hours', schedule_id: 's', open: 'b', closed: 'c' },
        b: { type: 'transfer', to: { type: 'sip_uri', uri: 'sip:x@y' }, failure: 'a' },
        c: { type: 'enqueue', queue_id: 'q', failure: 'a' },
      }),
      ['flow_needs_contact_center@c'],
    ],
    ['a condition with no else may end', flow({ a: { type: 'condition', branches: [{ when: { all: [] }, next: 'a' }] } }), ['flow_loop_without_limit@a']],
    [
      'the same digit twice',
      flow({
        a: {
          type: 'menu',
          prompt: { say: 'p' },
          choices: [
            { digits: '1', next: 'b' },
            { digits: '1', next: 'b' },
          ],
        },
        b: bye,
      }),
      ['flow_duplicate_choice@a'],
    ],
    [
      'the same phrase twice, in other words',
      flow({
        a: {
          type: 'menu',
          prompt: { say: 'p' },
          choices: [
            { phrases: ['Sales'], next: 'b' },
            { phrases: ['sales!'], next: 'b' },
          ],
        },
        b: bye,
      }),
      ['flow_duplicate_choice@a'],
    ],
    [
      'a digit a phone cannot send',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1a', next: 'b' }] }, b: bye }),
      ['flow_impossible_pattern@a'],
    ],
    [
      'a choice with nothing to pick it by',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ next: 'b' }, { phrases: [], next: 'b' }] }, b: bye }),
      ['flow_impossible_pattern@a', 'flow_impossible_pattern@a'],
    ],
    [
      'a phrase with no words',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ phrases: ['?!'], next: 'b' }] }, b: bye }),
      ['flow_impossible_pattern@a'],
    ],
    ['gather: min above max', flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', min_length: 5, max_length: 4 } }), ['flow_impossible_pattern@a']],
    ['gather: min equal to max is fine', flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', min_length: 4, max_length: 4 } }), []],
    ['gather: a broken pattern', flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', pattern: '([0-9]' } }), ['flow_impossible_pattern@a']],
    ['gather: a good pattern', flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', pattern: '[0-9]{4}', finish_on_key: '#' } }), []],
    [
      'gather: a finish key a phone cannot send',
      flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', finish_on_key: 'x' } }),
      ['flow_impossible_pattern@a'],
    ],
    ['gather: two finish keys', flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', finish_on_key: '##' } }), ['flow_impossible_pattern@a']],
    ['business hours without a closed branch', flow({ a: { type: 'business_hours', schedule_id: 's', open: 'b' }, b: bye }), ['flow_closed_branch_missing@a']],
    ['enqueue with the contact center', flow({ a: { type: 'enqueue', queue_id: 'q' } }), [], { contactCenter: true }],
    [
      'an unknown prompt',
      flow({
        a: { type: 'play', audio: 'aud_gone', next: 'b' },
        b: {
          type: 'menu',
          prompt: { play: 'aud_gone2' },
          no_input: { play: 'aud_ok' },
          no_match: { play: 'aud_gone3' },
          choices: [{ digits: '1', next: 'c' }],
        },
        c: { type: 'gather', prompt: { say: 'x' }, invalid: { play: 'aud_gone4' }, into: 'v' },
      }),
      ['flow_unknown_prompt@a', 'flow_unknown_prompt@b', 'flow_unknown_prompt@b', 'flow_unknown_prompt@c'],
      { audioIds: new Set(['aud_ok']) },
    ],
    [
      'prompts are not checked without the account list, nor URLs',
      flow({ a: { type: 'play', audio: 'aud_gone', next: 'b' }, b: { type: 'play', audio: 'https://x/aud_1.wav' } }),
      [],
    ],
    [
      'URLs are not checked against the list',
      flow({
        a: { type: 'play', audio: 'https://x/a.wav', next: 'b' },
        b: { type: 'menu', prompt: { play: 'https://x/b.wav' }, choices: [{ digits: '1', next: 'b' }] },
      }),
      [],
      { audioIds: new Set() },
    ],
  ];
  it.each(cases)('%s', (_, f, expected, options = {}) => {
    expect(codes(f, options)).toEqual(expected);
  });
});

describe('lintFlow: problem details', () => {
  it('names the node, the event and the missing target', () => {
    expect(lintFlow(flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', next: 'b', failure: 'zz' }, b: bye }))).toEqual([
      { code: 'flow_unknown_node', node: 'a', severity: 'error', message: 'a goes to zz on failure, and there is no node zz.' },
    ]);
  });
  it('a silent loop is a warning, everything else an error', () => {
    const problems = lintFlow(flow({ a: { type: 'set', values: {}, next: 'b' }, b: { type: 'condition', branches: [], else: 'a' }, c: bye }));
    expect(problems.map((p) => [p.code, p.severity])).toEqual([
      ['flow_unreachable_node', 'error'],
      ['flow_loop_without_exit', 'error'],
    ]);
    const warn = lintFlow(flow({ a: { type: 'set', values: {}, next: 'b' }, b: { type: 'condition', branches: [{ when: { all: [] }, next: 'a' }] } }));
    expect(warn).toEqual([
      {
        code: 'flow_loop_without_limit',
        node: 'a',
        severity: 'warning',
        message: 'a -> b loop without waiting for the caller; a call is stopped after many rounds.',
      },
    ]);
  });

  it('a 60-node flow validates clean', () => {
    const nodes: Record<string, FlowNode> = {};
    for (let i = 0; i < 20; i++) {
      nodes[`menu${i}`] = {
        type: 'menu',
        prompt: { say: `Menu ${i}` },
        choices: [
          { digits: '1', next: `say${i}` },
          { digits: '2', phrases: [`option ${i}`], next: `set${i}` },
        ],
        default: 'end',
      };
      nodes[`say${i}`] = { type: 'say', text: `Item ${i}`, next: i < 19 ? `menu${i + 1}` : 'end' };
      nodes[`set${i}`] = { type: 'set', values: { last: `${i}` }, next: i < 19 ? `menu${i + 1}` : 'end' };
    }
    nodes.end = { type: 'say', text: 'Last {{last}}' };
    expect(Object.keys(nodes)).toHaveLength(61);
    expect(lintFlow({ start: 'menu0', nodes })).toEqual([]);
  });
});
