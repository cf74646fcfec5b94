import { describe, expect, it } from 'vitest';
import { matchTranscript, menuGrammar, normalizePhrase } from './phrases.js';

describe('normalizePhrase', () => {
  it.each([
    ['Technical Support!', 'technical support'],
    ['  speak   to an\tagent ', 'speak to an agent'],
    ['Press 2', 'press two'],
    ['10', 'one zero'],
    ["what's my balance?", "what's my balance"],
    ["'quoted'", 'quoted'],
    ['Ça va', 'ça va'],
    ['!!!', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizePhrase(input)).toBe(expected);
  });
});

describe('matchTranscript', () => {
  const menu = ['Billing', 'Support', 'Technical support', 'Yes', 'No'];
  it.each([
    ['Billing.', 'Billing'],
    ["I'd like technical support, please", 'Technical support'],
    ['support', 'Support'],
    ['yes please', 'Yes'],
    ['nobody', null],
    ['', null],
    ['bill ing', null],
  ])('%j -> %j', (transcript, expected) => {
    expect(matchTranscript(transcript, menu)).toBe(expected);
  });

  it('ignores a phrase that normalizes to nothing', () => {
    expect(matchTranscript('anything', ['?!'])).toBeNull();
  });
});

describe('menuGrammar', () => {
  it('accepts exactly one phrase of the menu', () => {
    expect(menuGrammar(['billing', 'technical support'])).toBe('#JSGF V1.0;\ngrammar menu;\npublic <menu> = ( billing ) | ( technical support );\n');
  });
});
