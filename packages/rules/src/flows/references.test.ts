import { describe, expect, it } from 'vitest';
import type { FlowDocument, FlowNode } from './flow-document.js';
import { flowReferences, referencedIds } from './references.js';

const flow = (nodes: Record<string, FlowNode>): FlowDocument => ({ start: Object.keys(nodes)[0] ?? 'a', nodes });

describe('flowReferences: the account objects each node names', () => {
  const cases: [string, FlowNode, string[]][] = [
    ['play of an audio prompt', { type: 'play', audio: 'aud_1' }, ['audio:audio_prompt:aud_1']],
    ['play of a URL names nothing', { type: 'play', audio: 'https://x.example/aud_1.wav' }, []],
    [
      'menu prompts, in field order',
      { type: 'menu', prompt: { play: 'aud_p' }, no_input: { play: 'aud_i' }, no_match: { play: 'aud_m' }, choices: [] },
      ['prompt:audio_prompt:aud_p', 'no_input:audio_prompt:aud_i', 'no_match:audio_prompt:aud_m'],
    ],
    ['a spoken menu prompt names nothing', { type: 'menu', prompt: { say: 'aud_p' }, choices: [] }, []],
    ['gather prompts', { type: 'gather', prompt: { play: 'aud_p' }, invalid: { play: 'aud_v' }, into: 'x' }, ['prompt:audio_prompt:aud_p', 'invalid:audio_prompt:aud_v']],
    ['gather with spoken prompts', { type: 'gather', prompt: { say: 'p' }, invalid: { say: 'v' }, into: 'x' }, []],
    ['business hours', { type: 'business_hours', schedule_id: 'sch_1' }, ['schedule_id:schedule:sch_1']],
    ['voicemail', { type: 'voicemail', voicemail_box_id: 'vmb_1' }, ['voicemail_box_id:voicemail_box:vmb_1']],
    ['transfer to a SIP user', { type: 'transfer', to: { type: 'sip_user', sip_user_id: 'usr_1' } }, ['to.sip_user_id:sip_user:usr_1']],
    ['transfer to a ring group', { type: 'transfer', to: { type: 'ring_group', ring_group_id: 'rg_1' } }, ['to.ring_group_id:ring_group:rg_1']],
    ['transfer to a number names nothing', { type: 'transfer', to: { type: 'number', number: '+35924000001' } }, []],
    ['transfer to a SIP URI names nothing', { type: 'transfer', to: { type: 'sip_uri', uri: 'sip:a@b.example' } }, []],
    ['subflow', { type: 'subflow', flow_id: 'flw_1' }, ['flow_id:flow:flw_1']],
    ['enqueue names no account object yet (no queues)', { type: 'enqueue', queue_id: 'q_1' }, []],
    ['say', { type: 'say', text: 'aud_1' }, []],
  ];
  it.each(cases)('%s', (_, node, expected) => {
    const refs = flowReferences(flow({ n: node }));
    expect(refs.map((r) => `${r.field}:${r.kind}:${r.id}`)).toEqual(expected);
    for (const r of refs) expect(r.node).toBe('n');
  });

  it('a subflow pinned to a revision carries it; one following the latest has none', () => {
    expect(flowReferences(flow({ a: { type: 'subflow', flow_id: 'flw_1', revision: 2 }, b: { type: 'subflow', flow_id: 'flw_2' } }))).toStrictEqual([
      { node: 'a', field: 'flow_id', kind: 'flow', id: 'flw_1', revision: 2 },
      { node: 'b', field: 'flow_id', kind: 'flow', id: 'flw_2' },
    ]);
  });
});

describe('referencedIds: one list per kind, for one lookup per kind', () => {
  it('lists each id once, sorted, and leaves out kinds the flow does not use', () => {
    const f = flow({
      a: { type: 'play', audio: 'aud_b', next: 'b' },
      b: { type: 'play', audio: 'aud_a', next: 'c' },
      c: { type: 'menu', prompt: { play: 'aud_b' }, choices: [], default: 'd' },
      d: { type: 'voicemail', voicemail_box_id: 'vmb_1' },
      e: { type: 'voicemail', voicemail_box_id: 'vmb_1' },
    });
    expect(referencedIds(f)).toEqual({ audio_prompt: ['aud_a', 'aud_b'], voicemail_box: ['vmb_1'] });
  });
  it('is empty for a flow that names no account object', () => {
    expect(referencedIds(flow({ a: { type: 'hangup' } }))).toEqual({});
  });
});
