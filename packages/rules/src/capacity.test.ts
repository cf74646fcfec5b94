import { describe, expect, it } from 'vitest';
import { type CapacityInput, capacity } from './index.js';

type Rule = 'bandwidth' | 'static_ip' | 'leased_line_capacity' | 'leased_line_delay';

const cases: { name: string; input: CapacityInput; required: number; perLine: number; meets: boolean | null; rules: Rule[] }[] = [
  { name: '30 web lines need 4,350 kbit/s', input: { lines: 30, kind: 'web' }, required: 4350, perLine: 145, meets: null, rules: [] },
  { name: '30 IP lines need 2,400 kbit/s', input: { lines: 30, kind: 'ip' }, required: 2400, perLine: 80, meets: null, rules: [] },
  { name: 'kind defaults to ip', input: { lines: 1 }, required: 80, perLine: 80, meets: null, rules: [] },
  { name: 'a null link is no link', input: { lines: 2, link: null }, required: 160, perLine: 80, meets: null, rules: [] },
  {
    name: 'exactly enough bandwidth meets the rule',
    input: { lines: 30, kind: 'web', link: { bandwidth_kbps: 4350 } },
    required: 4350,
    perLine: 145,
    meets: true,
    rules: [],
  },
  {
    name: 'one kbit/s short fails on bandwidth',
    input: { lines: 30, kind: 'web', link: { bandwidth_kbps: 4349 } },
    required: 4350,
    perLine: 145,
    meets: false,
    rules: ['bandwidth'],
  },
  {
    name: 'no static IP fails',
    input: { lines: 1, link: { bandwidth_kbps: 1000, static_ip: false } },
    required: 80,
    perLine: 80,
    meets: false,
    rules: ['static_ip'],
  },
  {
    name: 'delay does not matter on the internet',
    input: { lines: 1, link: { type: 'internet', bandwidth_kbps: 1000, delay_ms: 400 } },
    required: 80,
    perLine: 80,
    meets: true,
    rules: [],
  },
  {
    name: 'a 40 ms leased line fails on delay',
    input: { lines: 30, link: { type: 'leased_line', bandwidth_kbps: 100_000, delay_ms: 40 } },
    required: 2400,
    perLine: 80,
    meets: false,
    rules: ['leased_line_delay'],
  },
  {
    name: 'a 20 ms, 100 Mbit/s leased line meets every rule',
    input: { lines: 30, link: { type: 'leased_line', bandwidth_kbps: 100_000, delay_ms: 20 } },
    required: 2400,
    perLine: 80,
    meets: true,
    rules: [],
  },
  {
    name: 'a leased line without a delay is judged on capacity only',
    input: { lines: 30, link: { type: 'leased_line', bandwidth_kbps: 100_000 } },
    required: 2400,
    perLine: 80,
    meets: true,
    rules: [],
  },
  {
    name: 'a leased line under 100 Mbit/s fails even with bandwidth for the lines',
    input: { lines: 30, link: { type: 'leased_line', bandwidth_kbps: 50_000, delay_ms: 5 } },
    required: 2400,
    perLine: 80,
    meets: false,
    rules: ['leased_line_capacity'],
  },
  {
    name: 'every rule broken at once, in a stable order',
    input: { lines: 1000, kind: 'web', link: { type: 'leased_line', bandwidth_kbps: 10_000, delay_ms: 20.5, static_ip: false } },
    required: 145_000,
    perLine: 145,
    meets: false,
    rules: ['bandwidth', 'static_ip', 'leased_line_capacity', 'leased_line_delay'],
  },
];

describe('capacity (terms 5.3)', () => {
  it.each(cases)('$name', ({ input, required, perLine, meets, rules }) => {
    const result = capacity(input);
    expect(result).toMatchObject({ object: 'capacity', lines: input.lines, kind: input.kind ?? 'ip', per_line_kbps: perLine, required_kbps: required, meets });
    expect(result.reasons.map((r) => r.rule)).toEqual(rules);
    for (const r of result.reasons) expect(r.message).toMatch(/terms 5\.3/);
  });

  it('explains each broken rule in words, with the numbers', () => {
    const messages = (input: CapacityInput) => capacity(input).reasons.map((r) => r.message);
    expect(messages({ lines: 30, link: { type: 'leased_line', bandwidth_kbps: 100_000, delay_ms: 40 } })).toEqual([
      'A leased line may have at most 20 ms bidirectional delay (terms 5.3); this one has 40 ms.',
    ]);
    expect(messages({ lines: 30, kind: 'web', link: { bandwidth_kbps: 2000 } })).toEqual([
      '30 web phone lines need 4,350 kbit/s (145 kbit/s each, terms 5.3); this link has 2,000 kbit/s.',
    ]);
    expect(messages({ lines: 1, link: { bandwidth_kbps: 50 } })[0]).toBe(
      '1 IP phone line needs 80 kbit/s (80 kbit/s each, terms 5.3); this link has 50 kbit/s.',
    );
    expect(messages({ lines: 1, link: { type: 'leased_line', bandwidth_kbps: 1_000 } })).toContain(
      'A leased line must carry at least 100 Mbit/s (100,000 kbit/s, terms 5.3); this one has 1,000 kbit/s.',
    );
  });

  it('answers with the link it judged, the spec defaults filled in', () => {
    expect(capacity({ lines: 1, link: { bandwidth_kbps: 500 } }).link).toEqual({ type: 'internet', bandwidth_kbps: 500, static_ip: true });
    expect(capacity({ lines: 1, link: { type: 'leased_line', bandwidth_kbps: 100_000, delay_ms: 0, static_ip: true } }).link).toEqual({
      type: 'leased_line',
      bandwidth_kbps: 100_000,
      delay_ms: 0,
      static_ip: true,
    });
    expect(capacity({ lines: 1 }).link).toBeNull();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s lines', (lines) => {
    expect(() => capacity({ lines })).toThrow(RangeError);
  });
});
