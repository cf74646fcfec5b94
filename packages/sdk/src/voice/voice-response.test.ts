import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Instructions, type InstructionsDocument, type Verb, VoiceResponse } from '../index.js';

// The bundled spec, as the server validates voice applications' answers with it
// (packages/server/src/telephony/verbs/instructions-schema.ts): every builder output must pass.
const spec = JSON.parse(readFileSync(new URL('../../../contract/src/generated/openapi.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, { examples?: unknown[] }> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(spec, 'spec');
const schema = (name: string) => {
  const validate = ajv.getSchema(`spec#/components/schemas/${name}`);
  if (!validate) throw new Error(`the spec has no ${name}`);
  return validate;
};
const validInstructions = schema('Instructions');
const errorsOf = (body: unknown) => (validInstructions(body) ? [] : validInstructions.errors);

const base = 'https://ivr.example.com';
const r = () => new VoiceResponse({ baseUrl: base });

describe('VoiceResponse', () => {
  it.each<[string, () => VoiceResponse, Verb[]]>([
    ['answer', () => r().answer(), [{ verb: 'answer' }]],
    ['say', () => r().say('Hello'), [{ verb: 'say', text: 'Hello' }]],
    [
      'say with every option',
      () => r().say('Добър ден', { language: 'bg-BG', voice: 'bg', loop: 2 }),
      [{ verb: 'say', text: 'Добър ден', language: 'bg-BG', voice: 'bg', loop: 2 }],
    ],
    ['play, relative URL resolved', () => r().play('/audio/hold.wav', { loop: 3 }), [{ verb: 'play', url: `${base}/audio/hold.wav`, loop: 3 }]],
    ['play, a URL object', () => r().play(new URL('https://cdn.example/a.wav')), [{ verb: 'play', url: 'https://cdn.example/a.wav' }]],
    ['pause', () => r().pause(1.5), [{ verb: 'pause', seconds: 1.5 }]],
    ['voicemail', () => r().voicemail('vmb_01abc'), [{ verb: 'voicemail', box_id: 'vmb_01abc' }]],
    ['voicemail with the busy greeting', () => r().voicemail('vmb_01abc', 'busy'), [{ verb: 'voicemail', box_id: 'vmb_01abc', greeting: 'busy' }]],
    ['gather without a prompt', () => r().gather({ actionUrl: '/menu' }), [{ verb: 'gather', action_url: `${base}/menu` }]],
    [
      'gather with every option and a spoken prompt',
      () =>
        r().gather({ actionUrl: '/menu', digits: 1, timeoutSeconds: 7.5, finishOnKey: '' }, (p) =>
          p.say('Press 1 for sales, 2 for support.', { language: 'en' }),
        ),
      [
        {
          verb: 'gather',
          action_url: `${base}/menu`,
          digits: 1,
          timeout_seconds: 7.5,
          finish_on_key: '',
          prompt: { verb: 'say', text: 'Press 1 for sales, 2 for support.', language: 'en' },
        },
      ],
    ],
    [
      'gather with a played prompt',
      () => r().gather({ actionUrl: 'https://other.example/g', finishOnKey: '*' }, (p) => p.play('/menu.wav', { loop: 2 })),
      [{ verb: 'gather', action_url: 'https://other.example/g', finish_on_key: '*', prompt: { verb: 'play', url: `${base}/menu.wav`, loop: 2 } }],
    ],
    ['record with defaults', () => r().record(), [{ verb: 'record' }]],
    [
      'record with every option',
      () => r().record({ actionUrl: '/recorded', maxSeconds: 120, finishOnKey: '#', timeoutSeconds: 5, playBeep: false }),
      [{ verb: 'record', action_url: `${base}/recorded`, max_seconds: 120, finish_on_key: '#', timeout_seconds: 5, play_beep: false }],
    ],
    ['dial', () => r().dial('+359888123456'), [{ verb: 'dial', to: '+359888123456' }]],
    ['conference', () => r().conference('standup'), [{ verb: 'conference', name: 'standup' }]],
    [
      'conference with every option',
      () => r().conference('board room', { muted: true, startOnEnter: false, endOnExit: true, timeLimitSeconds: 600, actionUrl: '/left' }),
      [{ verb: 'conference', name: 'board room', muted: true, start_on_enter: false, end_on_exit: true, time_limit_seconds: 600, action_url: `${base}/left` }],
    ],
    [
      'dial with every option',
      () =>
        r().dial('sip:sales@pbx.example.com', {
          fallbackTo: '+359888123456',
          callerId: '+35929000002',
          sipTrunkId: 'trk_01ABC',
          timeoutSeconds: 20,
          timeLimitSeconds: 600,
          actionUrl: '/dialled',
        }),
      [
        {
          verb: 'dial',
          to: 'sip:sales@pbx.example.com',
          fallback_to: '+359888123456',
          caller_id: '+35929000002',
          sip_trunk_id: 'trk_01ABC',
          timeout_seconds: 20,
          time_limit_seconds: 600,
          action_url: `${base}/dialled`,
        },
      ],
    ],
    ['hangup', () => r().hangup(), [{ verb: 'hangup' }]],
    ['reject', () => r().reject(), [{ verb: 'reject' }]],
    ['reject busy', () => r().reject('busy'), [{ verb: 'reject', reason: 'busy' }]],
    ['redirect', () => r().redirect('/voice'), [{ verb: 'redirect', url: `${base}/voice` }]],
    [
      'redirect by GET',
      () => r().redirect('https://other.example/v?x=1', { method: 'GET' }),
      [{ verb: 'redirect', url: 'https://other.example/v?x=1', method: 'GET' }],
    ],
    [
      'a whole menu, in order',
      () =>
        r()
          .gather({ actionUrl: '/menu', digits: 1 }, (p) => p.say('Press 1 for sales.'))
          .say('Goodbye.')
          .hangup(),
      [
        { verb: 'gather', action_url: `${base}/menu`, digits: 1, prompt: { verb: 'say', text: 'Press 1 for sales.' } },
        { verb: 'say', text: 'Goodbye.' },
        { verb: 'hangup' },
      ],
    ],
    [
      'undefined options left out',
      () => r().say('Hi', { language: undefined }).record({ actionUrl: undefined }),
      [{ verb: 'say', text: 'Hi' }, { verb: 'record' }],
    ],
  ])('%s: gives the spec’s snake_case JSON, which the Instructions schema accepts', (_name, build, verbs) => {
    const response = build();
    const json = response.toJSON();
    expect(json).toEqual({ instructions: verbs });
    expect(errorsOf(json)).toEqual([]);
    // What goes on the wire is the same document.
    expect(JSON.parse(response.toString())).toEqual(json);
    expect(JSON.parse(JSON.stringify(response))).toEqual(json);
  });

  it('an empty response is a valid answer (Prolope hangs up)', () => {
    expect(new VoiceResponse().toJSON()).toEqual({ instructions: [] });
    expect(errorsOf(new VoiceResponse().toJSON())).toEqual([]);
  });

  it('types its output as the spec’s Instructions', () => {
    const json = new VoiceResponse().say('Hi').toJSON();
    expectTypeOf(json).toEqualTypeOf<InstructionsDocument>();
    expectTypeOf(json).toExtend<Instructions>();
  });

  it('toJSON gives a copy: changing it does not change the response', () => {
    const response = new VoiceResponse().gather({ actionUrl: base }, (p) => p.say('One'));
    const json = response.toJSON();
    (json.instructions[0] as { prompt: { text: string } }).prompt.text = 'changed';
    expect(response.toJSON().instructions[0]).toMatchObject({ prompt: { text: 'One' } });
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a relative URL without baseUrl', () => new VoiceResponse().gather({ actionUrl: '/menu' }), /absolute.*baseUrl/],
    ['a URL that is not http(s)', () => r().play('ftp://files.example/a.wav'), /http\(s\) URL/],
    ['a baseUrl that is not absolute', () => new VoiceResponse({ baseUrl: '/ivr' }), /baseUrl must be an absolute URL/],
    ['TwiML’s numDigits', () => r().gather({ actionUrl: '/m', numDigits: 1 } as never), /unknown option "numDigits"; use digits/],
    ['TwiML’s action', () => r().gather({ action: '/m' } as never), /unknown option "action"; use actionUrl/],
    ['TwiML’s timeout on dial', () => r().dial('+359888123456', { timeout: 20 } as never), /unknown option "timeout"; use timeoutSeconds/],
    ['TwiML’s maxLength on record', () => r().record({ maxLength: 30 } as never), /use maxSeconds/],
    ['a snake_case field name', () => r().gather({ action_url: `${base}/m` } as never), /unknown option "action_url"; use actionUrl/],
    ['a method on gather', () => r().gather({ actionUrl: '/m', method: 'GET' } as never), /always POSTed/],
    ['a prompt option', () => r().gather({ actionUrl: '/m', prompt: 'Press 1' } as never), /second argument/],
    ['an unknown option', () => r().say('Hi', { speed: 2 } as never), /unknown option "speed"; the options are language, voice, loop/],
    ['gather without actionUrl', () => r().gather({} as never), /actionUrl is required/],
    [
      'two prompts in one gather',
      () =>
        r().gather({ actionUrl: '/m' }, (p) => {
          p.say('One');
          p.say('Two');
        }),
      /one prompt/,
    ],
    ['a prompt that is not a callback', () => r().gather({ actionUrl: '/m' }, 'Press 1' as never), /callback/],
    ['empty text', () => r().say('  '), /non-empty string/],
    ['a dial without a number', () => r().dial(undefined as never), /to \(a number or a sip: URI\) must be a non-empty string/],
    ['a pause that is not a number', () => r().pause('2' as never), /seconds must be a number/],
    ['an unknown reject reason', () => r().reject('declined' as never), /busy, unavailable, rejected/],
    ['a voicemail box id that is not one', () => r().voicemail('sipu_01abc'), /voicemail box id \(vmb_\.\.\.\)/],
    ['an unknown voicemail greeting', () => r().voicemail('vmb_01abc', 'holiday' as never), /unavailable, busy/],
    ['options that are not an object', () => r().say('Hi', 'en' as never), /options must be an object/],
  ])('throws on %s, naming the fix', (_name, build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});

describe('the spec’s voice schemas', () => {
  const names = Object.keys(spec.components.schemas).filter((name) => /^(VoiceRequest|Instructions|\w+Verb)$/.test(name));

  it('has one schema per verb, and VoiceResponse a method for each', () => {
    const verbs = names.filter((n) => n.endsWith('Verb')).sort();
    expect(verbs).toEqual(['Answer', 'Conference', 'Dial', 'Gather', 'Hangup', 'Pause', 'Play', 'Record', 'Redirect', 'Reject', 'Say', 'Voicemail'].map((v) => `${v}Verb`));
    const oneOf = (spec.components.schemas.Verb as { oneOf: Array<{ $ref: string }> }).oneOf.map((v) => v.$ref.split('/').pop());
    expect(oneOf.sort()).toEqual(verbs);
    for (const name of verbs) {
      const method = name.slice(0, -'Verb'.length).toLowerCase() as keyof VoiceResponse;
      expect(typeof VoiceResponse.prototype[method], method).toBe('function');
    }
  });

  it.each<[string, unknown]>([
    ['a gather without action_url', { instructions: [{ verb: 'gather', digits: 1 }] }],
    ['a camelCase field', { instructions: [{ verb: 'gather', actionUrl: 'https://a.example/' }] }],
    ['a relative URL', { instructions: [{ verb: 'redirect', url: '/menu' }] }],
    ['digits out of range', { instructions: [{ verb: 'gather', action_url: 'https://a.example/', digits: 0 }] }],
    ['two prompts', { instructions: [{ verb: 'gather', action_url: 'https://a.example/', prompt: [{ verb: 'say', text: 'a' }] }] }],
  ])('rejects %s (the check above is a real one)', (_name, body) => {
    expect(validInstructions(body)).toBe(false);
  });

  it.each(names)('%s: its examples are valid', (name) => {
    const examples = spec.components.schemas[name]?.examples ?? [];
    expect(examples.length).toBeGreaterThan(0);
    const validate = schema(name);
    for (const example of examples) expect(validate(example) ? [] : validate.errors).toEqual([]);
  });
});
