import { describe, expect, it } from 'vitest';
import { holds } from './conditions.js';
import type { Condition } from './flow-document.js';
import { saidPhrase, words } from './speech-match.js';
import { fillTemplate, templateVariables } from './templates.js';

describe('templates', () => {
  it.each([
    ['Hello {{name}}!', { name: 'Ana' }, 'Hello Ana!'],
    ['{{ a }}{{b}}', { a: '1', b: '2' }, '12'],
    ['{{missing}}x', {}, 'x'],
    ['{{call.from}}', { 'call.from': '+359' }, '+359'],
    ['no placeholders', { a: '1' }, 'no placeholders'],
    ['{{1bad}}', { '1bad': 'x' }, '{{1bad}}'],
  ])('%s', (text, vars, out) => {
    expect(fillTemplate(text, vars)).toBe(out);
  });
  it('lists the variables read, in order', () => {
    expect(templateVariables('{{a}} and {{ b.c }} and {{a}}')).toEqual(['a', 'b.c', 'a']);
    expect(templateVariables('none')).toEqual([]);
  });
});

describe('conditions', () => {
  const vars = { n: '10', s: 'sales', from: '+359888123', empty: '' };
  const cases: [string, Condition, boolean][] = [
    ['numbers compare as numbers (10 > 9)', { left: { var: 'n' }, op: 'gt', right: { value: 9 } }, true],
    ['text compares as text ("10" < "9")', { left: { value: 'a10' }, op: 'lt', right: { value: 'a9' } }, true],
    ['eq number and text of the same number', { left: { var: 'n' }, op: 'eq', right: { value: '10.0' } }, true],
    ['eq text', { left: { var: 's' }, op: 'eq', right: { value: 'sales' } }, true],
    ['eq is exact', { left: { var: 's' }, op: 'eq', right: { value: 'Sales' } }, false],
    ['ne', { left: { var: 's' }, op: 'ne', right: { value: 'billing' } }, true],
    ['ne equal', { left: { var: 's' }, op: 'ne', right: { value: 'sales' } }, false],
    ['lt equal is false', { left: { var: 'n' }, op: 'lt', right: { value: 10 } }, false],
    ['le equal', { left: { var: 'n' }, op: 'le', right: { value: 10 } }, true],
    ['le greater', { left: { var: 'n' }, op: 'le', right: { value: 9 } }, false],
    ['gt equal is false', { left: { var: 'n' }, op: 'gt', right: { value: 10 } }, false],
    ['ge equal', { left: { var: 'n' }, op: 'ge', right: { value: 10 } }, true],
    ['ge smaller', { left: { var: 'n' }, op: 'ge', right: { value: 11 } }, false],
    ['text gt', { left: { value: 'b' }, op: 'gt', right: { value: 'a' } }, true],
    ['text equal is not gt', { left: { value: 'b' }, op: 'gt', right: { value: 'b' } }, false],
    ['empty text is not the number 0', { left: { var: 'empty' }, op: 'eq', right: { value: 0 } }, false],
    ['blank text is not a number', { left: { value: ' ' }, op: 'lt', right: { value: 1 } }, true],
    ['Infinity is text, after "5"', { left: { value: 'Infinity' }, op: 'gt', right: { value: 5 } }, true],
    ['starts_with', { left: { var: 'from' }, op: 'starts_with', right: { value: '+359' } }, true],
    ['starts_with no', { left: { var: 'from' }, op: 'starts_with', right: { value: '+44' } }, false],
    ['ends_with', { left: { var: 'from' }, op: 'ends_with', right: { value: '123' } }, true],
    ['ends_with no', { left: { var: 'from' }, op: 'ends_with', right: { value: '888' } }, false],
    ['contains', { left: { var: 'from' }, op: 'contains', right: { value: '888' } }, true],
    ['contains no', { left: { var: 'from' }, op: 'contains', right: { value: '777' } }, false],
    ['in a list', { left: { var: 's' }, op: 'in', right: [{ value: 'billing' }, { value: 'sales' }] }, true],
    ['in one operand', { left: { var: 's' }, op: 'in', right: { value: 'sales' } }, true],
    ['not in a list', { left: { var: 's' }, op: 'in', right: [{ value: 'billing' }] }, false],
    ['in numbers', { left: { var: 'n' }, op: 'in', right: [{ value: 10 }] }, true],
    ['a list on a non-in op takes its first', { left: { var: 's' }, op: 'eq', right: [{ value: 'sales' }, { value: 'x' }] }, true],
    ['an empty list on a non-in op is empty text', { left: { var: 'empty' }, op: 'eq', right: [] }, true],
    ['an unset variable is empty text', { left: { var: 'nope' }, op: 'eq', right: { value: '' } }, true],
    ['booleans as text', { left: { value: true }, op: 'eq', right: { value: 'true' } }, true],
    [
      'all true',
      {
        all: [
          { left: { var: 'n' }, op: 'eq', right: { value: 10 } },
          { left: { var: 's' }, op: 'eq', right: { value: 'sales' } },
        ],
      },
      true,
    ],
    [
      'all one false',
      {
        all: [
          { left: { var: 'n' }, op: 'eq', right: { value: 10 } },
          { left: { var: 's' }, op: 'eq', right: { value: 'x' } },
        ],
      },
      false,
    ],
    [
      'any one true',
      {
        any: [
          { left: { var: 'n' }, op: 'eq', right: { value: 1 } },
          { left: { var: 's' }, op: 'eq', right: { value: 'sales' } },
        ],
      },
      true,
    ],
    ['any none', { any: [{ left: { var: 'n' }, op: 'eq', right: { value: 1 } }] }, false],
    ['all of none holds', { all: [] }, true],
    ['any of none does not', { any: [] }, false],
    ['blank text is not the number 0', { left: { value: ' ' }, op: 'eq', right: { value: 0 } }, false],
    ['text against a number compares as text', { left: { value: 'abc' }, op: 'gt', right: { value: 5 } }, true],
    ['ge when equal', { left: { var: 'n' }, op: 'ge', right: { value: 10 } }, true],
    ['ge when less', { left: { var: 'n' }, op: 'ge', right: { value: 11 } }, false],
  ];
  it.each(cases)('%s', (_, condition, expected) => {
    expect(holds(condition, vars)).toBe(expected);
  });
});

describe('speech phrases', () => {
  it.each([
    ['Billing, please!', 'billing', true],
    ['I want BILLING', 'Billing', true],
    ['billingual', 'billing', false],
    ['talk to sales team', 'sales team', true],
    ['team sales', 'sales team', false],
    ['sales', 'sales team', false],
    ['anything', '', false],
    ['', 'sales', false],
    ['счетоводство моля', 'Счетоводство', true],
    ['press 2', '2', true],
    ['billing now', 'billing please', false],
  ])('"%s" says "%s": %s', (utterance, phrase, expected) => {
    expect(saidPhrase(utterance, phrase)).toBe(expected);
  });
  it('splits words on anything but letters and digits', () => {
    expect(words('  Hello,   World-2! ')).toEqual(['hello', 'world', '2']);
  });
});
