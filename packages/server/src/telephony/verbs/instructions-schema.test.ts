import { describe, expect, it } from 'vitest';
import { InvalidInstructionsError, parseInstructions } from './instructions-schema.js';

// The schema is the spec's (openapi/schemas/voice.yaml, bundled): these pin what it accepts.
describe('parseInstructions', () => {
  const gather = {
    verb: 'gather',
    digits: 4,
    finish_on_key: '',
    action_url: 'https://app.example/g',
    prompt: { verb: 'play', url: 'https://app.example/a.wav' },
  };

  const record = { verb: 'record', max_seconds: 30, finish_on_key: '*', play_beep: false, action_url: 'https://app.example/r' };
  const every = [
    { verb: 'answer' },
    gather,
    record,
    { verb: 'record' },
    { verb: 'reject', reason: 'unavailable' },
    { verb: 'redirect', url: 'http://a.example/n', method: 'GET' },
  ];
  it.each<[string, unknown, unknown[]]>([
    ['the object form', { instructions: [{ verb: 'say', text: 'Hi' }, { verb: 'hangup' }] }, [{ verb: 'say', text: 'Hi' }, { verb: 'hangup' }]],
    ['the bare array', [{ verb: 'pause', seconds: 1.5 }], [{ verb: 'pause', seconds: 1.5 }]],
    ['an empty list', { instructions: [] }, []],
    ['every other verb', every, every],
  ])('accepts %s', (_name, body, verbs) => {
    expect(parseInstructions(body)).toEqual(verbs);
  });

  it.each<[string, unknown]>([
    ['a verb not in this version', [{ verb: 'dial', number: '+359888123456' }]],
    ['a record longer than an hour', [{ verb: 'record', max_seconds: 3601 }]],
    ['a record finish key that is not a key', [{ verb: 'record', finish_on_key: 'x' }]],
    ['an unknown field', [{ verb: 'say', text: 'Hi', speed: 2 }]],
    ['say without text', [{ verb: 'say' }]],
    ['a play URL that is not http(s)', [{ verb: 'play', url: 'file:///etc/passwd' }]],
    ['a gather without action_url', [{ verb: 'gather', digits: 1 }]],
    ['a gather prompt that is not say or play', [{ ...gather, prompt: { verb: 'hangup' } }]],
    ['a finish key that is not a key', [{ ...gather, finish_on_key: 'x' }]],
    ['a reject reason not listed', [{ verb: 'reject', reason: 'later' }]],
    ['a pause of 0 seconds', [{ verb: 'pause', seconds: 0 }]],
    ['an object without instructions', { verbs: [] }],
    ['a string', 'hangup'],
  ])('refuses %s', (_name, body) => {
    expect(() => parseInstructions(body)).toThrow(InvalidInstructionsError);
  });
});
