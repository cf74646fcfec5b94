import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowDocument, FlowNode } from './flow-document.js';
import { lintFlow } from './lint.js';
import { referencedIds } from './references.js';
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
    [
      'an unknown variable in a single comparison',
      flow({ a: { type: 'condition', branches: [{ when: { left: { var: 'zz' }, op: 'eq', right: { value: 1 } }, next: 'b' }], else: 'b' }, b: bye }),
      ['flow_unknown_variable@a'],
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
      { known: { audio_prompt: new Set(['aud_ok']) } },
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
      { known: { audio_prompt: new Set() } },
    ],
    ['a node that just stops (no next) ends the call there', flow({ a: { type: 'say', text: 'x' } }), []],
    [
      'a gather looping on both next and failure never ends',
      flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', next: 'b', failure: 'b' }, b: { type: 'say', text: 'x', next: 'a' } }),
      ['flow_loop_without_exit@a'],
    ],
    [
      'a gather or http with no failure may end',
      flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', next: 'b' }, b: { type: 'http', url: 'https://x', next: 'a' } }),
      [],
    ],
    ['an http with no next may end', flow({ a: { type: 'http', url: 'https://x', failure: 'a' } }), []],
    [
      'an http looping on both next and failure never ends',
      flow({ a: { type: 'http', url: 'https://x', next: 'a', failure: 'a' } }),
      ['flow_loop_without_exit@a'],
    ],
    [
      'business hours looping on both branches never end',
      flow({ a: { type: 'business_hours', schedule_id: 's', open: 'b', closed: 'b' }, b: { type: 'say', text: 'x', next: 'a' } }),
      ['flow_loop_without_exit@a'],
    ],
    [
      'business hours with no open branch may end',
      flow({ a: { type: 'business_hours', schedule_id: 's', closed: 'b' }, b: { type: 'say', text: 'x', next: 'a' } }),
      [],
    ],
    [
      'a loop one member of which may end is fine, even with a silent node in it',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'b' }] }, b: { type: 'set', values: {}, next: 'a' } }),
      [],
    ],
    [
      'a node that reaches an earlier, finished loop is not part of it',
      flow({
        a: { type: 'condition', branches: [{ when: { all: [] }, next: 'b' }], else: 'c' },
        b: { type: 'menu', prompt: { say: 'p' }, choices: [{ digits: '1', next: 'b' }] },
        c: { type: 'condition', branches: [{ when: { all: [] }, next: 'b' }] },
      }),
      [],
    ],
    [
      'a node going to a missing node and into a closed loop may still end (at the missing one)',
      flow({
        a: { type: 'gather', prompt: { say: 'p' }, into: 'v', next: 'ghost', failure: 'l' },
        l: { type: 'say', text: 'x', next: 'm' },
        m: { type: 'say', text: 'y', next: 'l' },
      }),
      ['flow_unknown_node@a', 'flow_loop_without_exit@l'],
    ],
    [
      'phrases that differ only in spacing are different phrases',
      flow({ a: { type: 'menu', prompt: { say: 'p' }, choices: [{ phrases: ['ice cream'], next: 'b' }, { phrases: ['icecream'], next: 'b' }] }, b: bye }),
      [],
    ],
    ['gather: a pattern valid only without the unicode flag', flow({ a: { type: 'gather', prompt: { say: 'p' }, into: 'v', pattern: '\\a' } }), ['flow_impossible_pattern@a']],
    [
      'objects of the account that do not exist, each kind with its code',
      flow({
        a: { type: 'business_hours', schedule_id: 'sch_gone', open: 'u', closed: 'v' },
        u: { type: 'transfer', to: { type: 'sip_user', sip_user_id: 'usr_gone' }, failure: 'g' },
        g: { type: 'transfer', to: { type: 'ring_group', ring_group_id: 'rg_gone' }, failure: 's' },
        s: { type: 'subflow', flow_id: 'flw_gone', next: 'v' },
        v: { type: 'voicemail', voicemail_box_id: 'vmb_gone' },
      }),
      ['flow_unknown_schedule@a', 'flow_unknown_sip_user@u', 'flow_unknown_ring_group@g', 'flow_unknown_subflow@s', 'flow_unknown_voicemail_box@v'],
      { known: { schedule: new Set(['sch_ok']), sip_user: new Set(['usr_ok']), ring_group: new Set(['rg_ok']), voicemail_box: new Set(['vmb_ok']), flow: new Map() } },
    ],
    [
      'objects that exist are not reported',
      flow({
        a: { type: 'business_hours', schedule_id: 'sch_ok', open: 'u', closed: 'v' },
        u: { type: 'transfer', to: { type: 'sip_user', sip_user_id: 'usr_ok' }, failure: 'g' },
        g: { type: 'transfer', to: { type: 'ring_group', ring_group_id: 'rg_ok' }, failure: 'n' },
        n: { type: 'transfer', to: { type: 'number', number: '+35924000001' }, failure: 'i' },
        i: { type: 'transfer', to: { type: 'sip_uri', uri: 'sip:a@b.example' }, failure: 's' },
        s: { type: 'subflow', flow_id: 'flw_ok', revision: 2, next: 't' },
        t: { type: 'subflow', flow_id: 'flw_ok', next: 'v' },
        v: { type: 'voicemail', voicemail_box_id: 'vmb_ok' },
      }),
      [],
      {
        known: {
          schedule: new Set(['sch_ok']),
          sip_user: new Set(['usr_ok']),
          ring_group: new Set(['rg_ok']),
          voicemail_box: new Set(['vmb_ok']),
          flow: new Map([['flw_ok', 2]]),
        },
      },
    ],
    [
      'a kind the host did not look up is not checked',
      flow({
        a: { type: 'business_hours', schedule_id: 'sch_gone', open: 'u', closed: 'v' },
        u: { type: 'transfer', to: { type: 'sip_user', sip_user_id: 'usr_gone' }, failure: 'g' },
        g: { type: 'transfer', to: { type: 'ring_group', ring_group_id: 'rg_gone' }, failure: 's' },
        s: { type: 'subflow', flow_id: 'flw_gone', next: 'v' },
        v: { type: 'voicemail', voicemail_box_id: 'vmb_gone' },
      }),
      [],
      { known: { audio_prompt: new Set() } },
    ],
    [
      'a subflow never published, or pinned past its latest revision',
      flow({
        a: { type: 'subflow', flow_id: 'flw_draft', next: 'b' },
        b: { type: 'subflow', flow_id: 'flw_two', revision: 3, next: 'c' },
        c: bye,
      }),
      ['flow_unknown_subflow@a', 'flow_unknown_subflow@b'],
      { known: { flow: new Map<string, number | null>([['flw_draft', null], ['flw_two', 2]]) } },
    ],
  ];
  it.each(cases)('%s', (_, f, expected, options = {}) => {
    expect(codes(f, options)).toEqual(expected);
  });
});

describe('lintFlow: problem details', () => {
  it('each message names the node and the likely mistake', () => {
    const f = flow({
      a: { type: 'say', text: 'Hi {{who}}', next: 'ghost' },
      m: {
        type: 'menu',
        prompt: { say: 'p' },
        choices: [{ next: 'x' }, { digits: '1a', next: 'x' }, { digits: '2', next: 'x' }, { digits: '2', phrases: ['?', 'Sales', 'sales'], next: 'x' }],
      },
      g: { type: 'gather', prompt: { say: 'p' }, into: 'v', min_length: 5, max_length: 4, finish_on_key: '##', pattern: '(' },
      h: { type: 'business_hours', schedule_id: 's', open: 'x' },
      q: { type: 'enqueue', queue_id: 'q1' },
      l: { type: 'say', text: 'x', next: 'l2' },
      l2: { type: 'say', text: 'y', next: 'l' },
      d: { type: 'say', text: 'z', next: 'l' },
      x: bye,
    });
    expect(lintFlow(f, { known: { audio_prompt: new Set() } }).map((p) => `${p.code}@${p.node}: ${p.message}`)).toEqual([
      'flow_unknown_node@a: a goes to ghost on next, and there is no node ghost.',
      'flow_unreachable_node@m: No path from a reaches m.',
      'flow_unreachable_node@g: No path from a reaches g.',
      'flow_unreachable_node@h: No path from a reaches h.',
      'flow_unreachable_node@q: No path from a reaches q.',
      'flow_unreachable_node@l: No path from a reaches l.',
      'flow_unreachable_node@l2: No path from a reaches l2.',
      'flow_unreachable_node@d: No path from a reaches d.',
      'flow_unreachable_node@x: No path from a reaches x.',
      'flow_loop_without_exit@l: l -> l2 loop with no way out: add a hangup, a menu default or an attempt limit.',
      'flow_dead_end@d: From d the call can never end: every path runs into a loop with no way out.',
      'flow_unknown_variable@a: a reads {{who}}, which no node sets and the flow does not declare.',
      'flow_impossible_pattern@m: Choice 0 of m has neither digits nor phrases, so no caller can pick it.',
      'flow_impossible_pattern@m: Choice 1 of m wants "1a"; a phone sends only 0-9, * and #.',
      'flow_duplicate_choice@m: m offers 2 twice; only the first can be taken.',
      'flow_impossible_pattern@m: Choice 3 of m has a phrase with no words.',
      'flow_duplicate_choice@m: m offers the phrase "sales" twice; only the first can be taken.',
      'flow_impossible_pattern@g: g wants at least 5 and at most 4 characters.',
      'flow_impossible_pattern@g: g finishes on "##"; a phone sends only 0-9, * and #.',
      'flow_impossible_pattern@g: The pattern of g is not a valid regular expression: (',
      'flow_closed_branch_missing@h: h says where open calls go but not closed ones.',
      'flow_needs_contact_center@q: q puts the call in a queue, which needs the contact center (queues).',
    ]);
    expect(lintFlow(flow({ b: bye }, { start: 'nowhere' }))[0]?.message).toBe('The flow starts at nowhere, and there is no node nowhere.');
  });

  it('says which object is missing, where, and the likely mistake', () => {
    const f = flow({
      a: { type: 'business_hours', schedule_id: 'sch_x', open: 'b', closed: 'b' },
      b: { type: 'subflow', flow_id: 'flw_d', next: 'c' },
      c: { type: 'subflow', flow_id: 'flw_p', revision: 4, next: 'd' },
      d: { type: 'subflow', flow_id: 'flw_x', next: 'e' },
      e: { type: 'play', audio: 'aud_x' },
    });
    const known = { schedule: new Set<string>(), audio_prompt: new Set<string>(), flow: new Map<string, number | null>([['flw_d', null], ['flw_p', 3]]) };
    expect(lintFlow(f, { known })).toEqual([
      { code: 'flow_unknown_schedule', node: 'a', severity: 'error', message: 'a names sch_x in schedule_id, and the account has no schedule sch_x: a typo, or one of another account?' },
      { code: 'flow_unknown_subflow', node: 'b', severity: 'error', message: 'b names flw_d in flow_id, which has no published revision yet: publish flw_d first.' },
      { code: 'flow_unknown_subflow', node: 'c', severity: 'error', message: 'c names flw_p in flow_id, pinned to revision 4, and its revisions are 1 to 3.' },
      { code: 'flow_unknown_subflow', node: 'd', severity: 'error', message: 'd names flw_x in flow_id, and the account has no flow flw_x: a typo, or a flow of another account?' },
      { code: 'flow_unknown_prompt', node: 'e', severity: 'error', message: 'e names aud_x in audio, and the account has no audio prompt aud_x: a typo, or one of another account?' },
    ]);
  });

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

  it('the real-world-sized fixture (60 nodes: hours, menus, submenus, gathers, http, transfers, voicemail) validates clean', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../fixtures/sixty-node-flow.json', import.meta.url), 'utf8')) as FlowDocument;
    expect(Object.keys(fixture.nodes)).toHaveLength(60);
    const types = new Set(Object.values(fixture.nodes).map((n) => n.type));
    expect([...types].sort()).toEqual(['business_hours', 'condition', 'gather', 'hangup', 'http', 'menu', 'play', 'record', 'say', 'subflow', 'transfer', 'voicemail']);
    expect(lintFlow(fixture)).toEqual([]);
    // With every object it names known to exist (the subflow published), still clean.
    const ids = referencedIds(fixture);
    const set = (k: keyof typeof ids) => new Set(ids[k]);
    const known = {
      audio_prompt: set('audio_prompt'),
      schedule: set('schedule'),
      voicemail_box: set('voicemail_box'),
      ring_group: set('ring_group'),
      sip_user: set('sip_user'),
      flow: new Map((ids.flow ?? []).map((id) => [id, 1])),
    };
    expect(Object.values(known).every((k) => k.size > 0)).toBe(true);
    expect(lintFlow(fixture, { known })).toEqual([]);
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
