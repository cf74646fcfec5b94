import { describe, expect, it } from 'vitest';
import { flowCoverage } from './coverage.js';
import { checkExpectations } from './expectations.js';
import type { FlowDocument } from './flow-document.js';
import { advanceFlow, MAX_SILENT_STEPS, startFlow, textAt, validAnswer } from './flow-run.js';
import { runFlow } from './run-script.js';
import { mainMenu } from './test-flows.test-helper.js';

describe('the main menu example', () => {
  it('2 pressed in hours: transferred to billing', () => {
    const t = runFlow(mainMenu, { steps: [{ press: '2' }], schedules: { sch_main: true } });
    expect(t.outcome).toEqual({ kind: 'transferred', node: 'billing', to: { type: 'number', number: '+35924000001' } });
    expect(t.path).toEqual(['hours', 'welcome', 'menu', 'billing']);
    expect(t.heard).toEqual(['Welcome to Acme.', 'Press 1 or say sales. Press 2 or say billing.']);
    expect(t.taken).toEqual(['hours --open--> welcome', 'welcome --next--> menu', 'menu --choice:1--> billing']);
    expect(t.unused_steps).toEqual([]);
  });

  it('"billing" said: the billing branch', () => {
    const t = runFlow(mainMenu, { steps: [{ say: 'uh, billing please' }] });
    expect(t.outcome).toMatchObject({ kind: 'transferred', node: 'billing' });
    expect(t.effects.find((e) => e.kind === 'collect')).toMatchObject({
      input: ['dtmf', 'speech'],
      phrases: ['sales', 'billing', 'accounts'],
      max_digits: 1,
      timeout_seconds: 5,
    });
  });

  it('closed (a holiday): voicemail', () => {
    const t = runFlow(mainMenu, { schedules: { sch_main: false } });
    expect(t.outcome).toEqual({ kind: 'voicemail', node: 'vm', voicemail_box_id: 'vmb_main' });
    expect(t.heard).toEqual(['We are closed.']);
    expect(t.effects.at(-1)).toEqual({ kind: 'voicemail', voicemail_box_id: 'vmb_main' });
  });

  it('silence, then a wrong key: the retry prompts, then the default', () => {
    const t = runFlow(mainMenu, { steps: [{ silence: true }, { press: '9' }] });
    expect(t.heard).toEqual([
      'Welcome to Acme.',
      'Press 1 or say sales. Press 2 or say billing.',
      'Sorry, I did not hear you.',
      'Press 1 or say sales. Press 2 or say billing.',
    ]);
    expect(t.outcome).toMatchObject({ kind: 'transferred', node: 'operator' });
    expect(t.taken.at(-1)).toBe('menu --default--> operator');
  });

  it('a wrong key then silence: no-match prompt on the retry', () => {
    const t = runFlow(mainMenu, { steps: [{ press: '7' }, { press: '1' }] });
    expect(t.heard.slice(2)).toEqual(['Sorry, that is not an option.', 'Press 1 or say sales. Press 2 or say billing.']);
    expect(t.outcome).toMatchObject({ kind: 'transferred', node: 'sales' });
  });

  it('a failed transfer goes to its failure node', () => {
    const t = runFlow(mainMenu, { steps: [{ press: '1' }], transfer: 'failed' });
    expect(t.outcome).toMatchObject({ kind: 'voicemail' });
    expect(t.taken.at(-1)).toBe('sales --failure--> vm');
  });

  it('the caller hangs up at the menu', () => {
    const t = runFlow(mainMenu, { steps: [{ hangup: true }] });
    expect(t.outcome).toEqual({ kind: 'caller_hangup', node: 'menu' });
  });

  it('a script that runs out while the flow listens: the caller hangs up', () => {
    expect(runFlow(mainMenu).outcome).toEqual({ kind: 'caller_hangup', node: 'menu' });
  });

  it('steps the flow never asked for are reported', () => {
    const t = runFlow(mainMenu, { steps: [{ press: '1' }, { press: '5' }], schedules: { sch_main: true } });
    expect(t.unused_steps).toEqual([{ press: '5' }]);
  });

  it('three cases cover every transition; one fewer does not', () => {
    const cases = [
      { steps: [{ press: '2' as const }] },
      { steps: [{ say: 'sales' }], transfer: 'failed' as const },
      { schedules: { sch_main: false } },
      { steps: [{ press: '2' }], transfer: 'failed' as const },
    ];
    const runs = cases.map((c) => runFlow(mainMenu, c).taken);
    expect(flowCoverage(mainMenu, runs)).toEqual({ total: 10, covered: 8, percent: 80, missing: ['menu --default--> operator', 'operator --failure--> vm'] });
    const all = [...runs, runFlow(mainMenu, { steps: [{ silence: true }, { press: '3' }], transfer: 'failed' }).taken];
    expect(flowCoverage(mainMenu, all)).toEqual({ total: 10, covered: 10, percent: 100, missing: [] });
    expect(flowCoverage(mainMenu, [runs[0] ?? []]).percent).toBe(30);
    expect(flowCoverage({ start: 'h', nodes: { h: { type: 'hangup' } } }, [])).toEqual({ total: 0, covered: 0, percent: 100, missing: [] });
    const three = { start: 'a', nodes: { a: { type: 'say', text: '', next: 'b' }, b: { type: 'say', text: '', next: 'c' }, c: { type: 'hangup' } } } as const;
    expect(flowCoverage(three, [['a --next--> b']]).percent).toBe(50);
    expect(flowCoverage({ ...three, nodes: { ...three.nodes, c: { type: 'say', text: '', next: 'a' } } }, [['a --next--> b']]).percent).toBe(33.3);
  });
});

describe('nodes', () => {
  it('gather: validates, retries with its invalid prompt, stores the answer', () => {
    const flow: FlowDocument = {
      start: 'acct',
      nodes: {
        acct: {
          type: 'gather',
          prompt: { say: 'Account number?' },
          into: 'account',
          min_length: 4,
          max_length: 6,
          pattern: '[0-9]+',
          finish_on_key: '#',
          invalid: { say: 'That is not an account number.' },
          next: 'thanks',
          failure: 'bye',
        },
        thanks: { type: 'say', text: 'Account {{account}}.' },
        bye: { type: 'hangup' },
      },
    };
    const t = runFlow(flow, { steps: [{ press: '12' }, { press: '12345' }] });
    expect(t.heard).toEqual(['Account number?', 'That is not an account number.', 'Account number?', 'Account 12345.']);
    expect(t.variables.account).toBe('12345');
    expect(t.outcome).toEqual({ kind: 'hangup', node: 'thanks', reason: 'no_transition' });
    expect(t.effects[0]).toEqual({
      kind: 'collect',
      prompts: [{ say: 'Account number?' }],
      input: ['dtmf'],
      timeout_seconds: 5,
      max_digits: 6,
      finish_on_key: '#',
    });
    const failed = runFlow(flow, { steps: [{ silence: true }, { press: 'abc' }, { press: '1234567' }] });
    expect(failed.outcome).toEqual({ kind: 'hangup', node: 'bye', reason: 'hangup_node' });
    expect(failed.heard).toEqual(['Account number?', 'Account number?', 'That is not an account number.', 'Account number?']);
    expect(failed.taken.at(-1)).toBe('acct --failure--> bye');
  });

  it('gather by speech keeps the trimmed text; a dtmf-only gather hears speech as silence', () => {
    const flow: FlowDocument = {
      start: 'name',
      nodes: { name: { type: 'gather', prompt: { play: 'aud_1' }, into: 'who', input: ['speech'], max_attempts: 1, next: 'end' }, end: { type: 'hangup' } },
    };
    expect(runFlow(flow, { steps: [{ say: '  Ana  ' }] }).variables.who).toBe('Ana');
    expect(runFlow(flow, { steps: [{ press: '1' }] }).outcome).toEqual({ kind: 'hangup', node: 'name', reason: 'no_transition' });
    expect(runFlow(flow, { steps: [{ say: 'x' }] }).heard).toEqual(['[play aud_1]']);
    const dtmf: FlowDocument = {
      start: 'g',
      nodes: { g: { type: 'gather', prompt: { say: 'p' }, into: 'v', max_attempts: 1, next: 'end' }, end: { type: 'hangup' } },
    };
    expect(runFlow(dtmf, { steps: [{ say: '12' }] }).variables.v).toBeUndefined();
  });

  it('condition, set and say with variables', () => {
    const flow: FlowDocument = {
      start: 'check',
      variables: { tier: 'basic' },
      nodes: {
        check: {
          type: 'condition',
          branches: [
            { when: { left: { var: 'call.from' }, op: 'starts_with', right: { value: '+359' } }, next: 'bg' },
            { when: { left: { var: 'tier' }, op: 'eq', right: { value: 'gold' } }, next: 'gold' },
          ],
          else: 'other',
        },
        bg: { type: 'set', values: { lang: 'bg', who: '{{call.from}} to {{call.to}}' }, next: 'hi' },
        gold: { type: 'say', text: 'Gold', language: 'en', voice: 'en-x', next: 'bye' },
        other: { type: 'play', audio: 'https://example.com/{{tier}}.wav', next: 'bye' },
        hi: { type: 'say', text: '{{lang}}: {{who}}', next: 'bye' },
        bye: { type: 'hangup' },
      },
    };
    const bg = runFlow(flow, { call: { from: '+359888', to: '+3592' } });
    expect(bg.heard).toEqual(['bg: +359888 to +3592']);
    expect(bg.variables).toMatchObject({ lang: 'bg', tier: 'basic', 'call.from': '+359888', 'call.id': 'call_offline' });
    expect(bg.taken).toEqual(['check --branch:0--> bg', 'bg --next--> hi', 'hi --next--> bye']);
    expect(runFlow(flow).heard).toEqual(['[play https://example.com/basic.wav]']);
    expect(runFlow(flow).taken[0]).toBe('check --else--> other');
    const gold = runFlow({ ...flow, variables: { tier: 'gold' } });
    expect(gold.effects[0]).toEqual({ kind: 'say', text: 'Gold', language: 'en', voice: 'en-x' });
    expect(gold.taken[0]).toBe('check --branch:1--> gold');
    const noElse = runFlow({ ...flow, nodes: { ...flow.nodes, check: { type: 'condition', branches: [] } } });
    expect(noElse.outcome).toEqual({ kind: 'hangup', node: 'check', reason: 'no_transition' });
  });

  it('http: variables from the answer, failure on an error status or no answer', () => {
    const flow: FlowDocument = {
      start: 'lookup',
      nodes: {
        lookup: {
          type: 'http',
          url: 'https://crm.example/lookup?from={{call.from}}',
          body: { number: '{{call.from}}' },
          timeout_seconds: 2,
          save: { tier: '/customer/tier', visits: '/visits', missing: '/none/x', all: '' },
          next: 'tier',
          failure: 'sorry',
        },
        tier: { type: 'say', text: '{{tier}} {{visits}} [{{missing}}]' },
        sorry: { type: 'say', text: 'sorry' },
      },
    };
    const url = 'https://crm.example/lookup?from=+1555';
    const ok = runFlow(flow, { call: { from: '+1555' }, http: { [url]: { body: { customer: { tier: 'gold' }, visits: 3 } } } });
    expect(ok.effects[0]).toEqual({ kind: 'http', method: 'POST', url, body: { number: '+1555' }, timeout_seconds: 2 });
    expect(ok.heard).toEqual(['gold 3 []']);
    expect(ok.variables.all).toBe('{"customer":{"tier":"gold"},"visits":3}');
    expect(runFlow(flow, { call: { from: '+1555' }, http: { [url]: { status: 500 } } }).heard).toEqual(['sorry']);
    expect(runFlow(flow, { call: { from: '+1555' }, http: { [url]: { status: 199 } } }).heard).toEqual(['sorry']);
    expect(runFlow(flow, { call: { from: '+1555' }, http: { [url]: { status: 299 } } }).heard).toEqual(['  []']);
    expect(runFlow(flow, { call: { from: '+1555' }, http: { [url]: { fail: 'timeout' } } }).heard).toEqual(['sorry']);
    expect(runFlow(flow, { call: { from: '+1555' } }).heard).toEqual(['sorry']);
    const get = runFlow({ start: 'h', nodes: { h: { type: 'http', url: 'https://x.example' } } });
    expect(get.effects[0]).toEqual({ kind: 'http', method: 'GET', url: 'https://x.example', timeout_seconds: 5 });
  });

  it('subflow: parameters in, values back, then on', () => {
    const sub: FlowDocument = {
      start: 'ask',
      parameters: ['question'],
      nodes: {
        ask: { type: 'gather', prompt: { say: '{{question}}' }, into: 'answer', next: 'done' },
        done: { type: 'return', values: { result: 'got {{answer}}', raw: '{{answer}}' } },
      },
    };
    const flow: FlowDocument = {
      start: 'call_sub',
      nodes: {
        call_sub: {
          type: 'subflow',
          flow_id: 'flw_ask',
          revision: 2,
          parameters: { question: 'PIN for {{call.from}}?' },
          returns: { pin: 'raw', text: 'result', none: 'nope' },
          next: 'say',
        },
        say: { type: 'say', text: '{{text}}' },
      },
    };
    const t = runFlow(flow, { call: { from: '+1' }, steps: [{ press: '42' }], flows: { flw_ask: sub } });
    expect(t.effects[0]).toEqual({ kind: 'load_flow', flow_id: 'flw_ask', revision: 2 });
    expect(t.heard).toEqual(['PIN for +1?', 'got 42']);
    expect(t.variables).toMatchObject({ pin: '42', text: 'got 42', none: '' });
    expect(t.variables.answer).toBeUndefined();
    expect(t.path).toEqual(['call_sub', 'flw_ask/ask', 'flw_ask/done', 'say']);
    expect(t.taken).toEqual(['call_sub --enter--> flw_ask/ask', 'flw_ask/ask --next--> flw_ask/done', 'call_sub --next--> say']);
    expect(runFlow(flow).outcome).toEqual({ kind: 'hangup', node: 'call_sub', reason: 'no_transition' });
    expect(runFlow({ start: 'r', nodes: { r: { type: 'return' } } }).outcome).toEqual({ kind: 'hangup', node: 'r', reason: 'no_transition' });
  });

  it('record stores the recording id; a hangup during it ends the call', () => {
    const flow: FlowDocument = {
      start: 'rec',
      nodes: { rec: { type: 'record', into: 'msg', max_length_seconds: 30, finish_on_key: '#', next: 'bye' }, bye: { type: 'say', text: '{{msg}}' } },
    };
    const t = runFlow(flow);
    expect(t.effects[0]).toEqual({ kind: 'record', beep: true, max_length_seconds: 30, finish_on_key: '#' });
    expect(t.heard).toEqual(['rec_offline_1']);
    expect(runFlow(flow, { steps: [{ hangup: true }] }).outcome).toEqual({ kind: 'caller_hangup', node: 'rec' });
    expect(runFlow({ start: 'r', nodes: { r: { type: 'record', beep: false } } }).effects[0]).toEqual({ kind: 'record', beep: false });
  });

  it('enqueue: accepted ends in the queue, refused takes failure', () => {
    const flow: FlowDocument = { start: 'q', nodes: { q: { type: 'enqueue', queue_id: 'que_1', failure: 'bye' }, bye: { type: 'hangup' } } };
    expect(runFlow(flow).outcome).toEqual({ kind: 'enqueued', node: 'q', queue_id: 'que_1' });
    expect(runFlow(flow, { enqueue: 'refused' }).outcome).toEqual({ kind: 'hangup', node: 'bye', reason: 'hangup_node' });
  });

  it('a transition to a missing node ends the call there', () => {
    expect(runFlow({ start: 'a', nodes: { a: { type: 'set', values: {}, next: 'ghost' } } }).outcome).toEqual({
      kind: 'hangup',
      node: 'ghost',
      reason: 'no_transition',
    });
    expect(runFlow({ start: 'a', nodes: { a: { type: 'set', values: {} } } }).outcome).toEqual({ kind: 'hangup', node: 'a', reason: 'no_transition' });
  });

  it('a loop that never waits is stopped', () => {
    const t = runFlow({ start: 'a', nodes: { a: { type: 'set', values: { x: '1' }, next: 'b' }, b: { type: 'condition', branches: [], else: 'a' } } });
    expect(t.outcome).toEqual({ kind: 'hangup', node: expect.any(String), reason: 'loop_limit' });
    expect(t.path.length).toBe(MAX_SILENT_STEPS);
  });

  it('menu: multi-digit choices, attempts default to 3, no default ends the call', () => {
    const flow: FlowDocument = {
      start: 'm',
      nodes: {
        m: {
          type: 'menu',
          prompt: { say: 'Pick' },
          choices: [
            { digits: '12', next: 'x' },
            { phrases: ['help'], next: 'x' },
          ],
        },
        x: { type: 'hangup' },
      },
    };
    const t = runFlow(flow, { steps: [{ press: '1' }, { say: 'nothing' }, { press: '2' }] });
    expect(t.outcome).toEqual({ kind: 'hangup', node: 'm', reason: 'no_transition' });
    expect(t.heard).toEqual(['Pick', 'Pick', 'Pick']);
    expect(t.effects[0]).toMatchObject({ max_digits: 2, input: ['dtmf', 'speech'] });
    expect(runFlow(flow, { steps: [{ say: 'help me' }] }).outcome).toMatchObject({ kind: 'hangup', node: 'x' });
    const dtmfOnly: FlowDocument = {
      ...flow,
      nodes: { ...flow.nodes, m: { type: 'menu', prompt: { say: 'P' }, input: ['dtmf'], choices: [{ digits: '1', phrases: ['one'], next: 'x' }] } },
    };
    const d = runFlow(dtmfOnly, { steps: [{ say: 'one' }, { press: '1' }] });
    expect(d.effects[0]).toEqual({ kind: 'collect', prompts: [{ say: 'P' }], input: ['dtmf'], timeout_seconds: 5, max_digits: 1 });
    expect(d.heard).toEqual(['P', 'P']);
    const speechOnly: FlowDocument = {
      start: 'm',
      nodes: { m: { type: 'menu', prompt: { say: 'P' }, choices: [{ phrases: ['one'], next: 'x' }], timeout_seconds: 8 }, x: { type: 'hangup' } },
    };
    expect(runFlow(speechOnly, { steps: [{ say: 'one' }] }).effects[0]).toEqual({
      kind: 'collect',
      prompts: [{ say: 'P' }],
      input: ['dtmf', 'speech'],
      timeout_seconds: 8,
      phrases: ['one'],
    });
  });
});

describe('the step machine', () => {
  it('its state survives JSON between effects', () => {
    let step = startFlow(mainMenu, { from: '+1', to: '+2' });
    const results = [{ kind: 'schedule', open: true }, { kind: 'done' }, { kind: 'digits', digits: '2' }, { kind: 'transfer', connected: true }] as const;
    for (const r of results) step = advanceFlow(JSON.parse(JSON.stringify(step.state)), r);
    expect(step.effect).toBeUndefined();
    expect(step.state.outcome).toMatchObject({ kind: 'transferred', node: 'billing' });
  });

  it('an ended run, or one with nothing pending, ignores results', () => {
    const start = startFlow({ start: 'h', nodes: { h: { type: 'hangup' } } }, { from: '+1', to: '+2' });
    expect(start.effect).toEqual({ kind: 'hangup' });
    expect(advanceFlow(start.state, { kind: 'done' }).state).toBe(start.state);
    const s = startFlow(mainMenu, { from: '+1', to: '+2' });
    const noPending = { ...s.state, pending: undefined };
    expect(advanceFlow(noPending, { kind: 'done' }).state).toBe(noPending);
  });

  it('does not change the state it was given', () => {
    const s = startFlow(mainMenu, { from: '+1', to: '+2' });
    const before = JSON.stringify(s.state);
    advanceFlow(s.state, { kind: 'schedule', open: false });
    expect(JSON.stringify(s.state)).toBe(before);
  });

  it('a schedule answered with something else counts as closed', () => {
    const s = startFlow(mainMenu, { from: '+1', to: '+2' });
    expect(advanceFlow(s.state, { kind: 'done' }).state.taken).toEqual(['hours --closed--> after_hours']);
  });

  it('a missing start node ends the call at once', () => {
    expect(startFlow({ start: 'nope', nodes: {} }, { from: '+1', to: '+2' }).state.outcome).toEqual({ kind: 'hangup', node: 'nope', reason: 'no_transition' });
  });
});

describe('helpers', () => {
  it.each([
    [{}, '', false],
    [{}, 'x', true],
    [{ min_length: 2 }, '1', false],
    [{ min_length: 2 }, '12', true],
    [{ max_length: 2 }, '123', false],
    [{ max_length: 2 }, '12', true],
    [{ pattern: '1|2' }, '12', false],
    [{ pattern: '1|2' }, '2', true],
    [{ pattern: '\\d{3}' }, '123', true],
  ])('validAnswer(%j, %s) is %s', (node, value, ok) => {
    expect(validAnswer(node, value)).toBe(ok);
  });

  it.each([
    [{ a: { b: 'x' } }, '/a/b', 'x'],
    [{ 'a/b': 1 }, '/a~1b', '1'],
    [{ 'a~b': true }, '/a~0b', 'true'],
    [{ a: null }, '/a', ''],
    [{ a: [1, 2] }, '/a/1', '2'],
    [{ a: [1, 2] }, '/a', '[1,2]'],
    ['text', '', 'text'],
    [null, '/a', ''],
    [{ a: 1 }, '/b', ''],
    [{ a: 'x' }, '/a/b', ''],
    [undefined, '', ''],
  ])('textAt(%j, %s) is %s', (doc, pointer, out) => {
    expect(textAt(doc, pointer)).toBe(out);
  });
});

describe('expectations', () => {
  const t = runFlow(mainMenu, { steps: [{ press: '2' }] });
  it('passes when everything given holds', () => {
    expect(
      checkExpectations(t, {
        path: ['hours', 'welcome', 'menu', 'billing'],
        heard: ['Welcome to Acme.', 'Press 1 or say sales. Press 2 or say billing.'],
        variables: { greeting: 'Welcome to Acme' },
        outcome: { kind: 'transferred', to: { type: 'number', number: '+35924000001' } },
      }),
    ).toEqual([]);
    expect(checkExpectations(t, {})).toEqual([]);
  });
  it('names each failure and where it differs', () => {
    expect(
      checkExpectations(t, { heard: ['Welcome to Acme.', 'Press 3'], path: ['hours'], variables: { greeting: 'x', y: 'z' }, outcome: { kind: 'voicemail' } }),
    ).toEqual([
      { field: 'path', expected: ['hours'], actual: t.path, at: 1 },
      { field: 'heard', expected: ['Welcome to Acme.', 'Press 3'], actual: t.heard, at: 1 },
      { field: 'variables', expected: 'x', actual: 'Welcome to Acme', at: 'greeting' },
      { field: 'variables', expected: 'z', actual: undefined, at: 'y' },
      { field: 'outcome', expected: 'voicemail', actual: 'transferred', at: 'kind' },
    ]);
  });
});
