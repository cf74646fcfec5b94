import { describe, expect, test } from 'vitest';
import { commands, topics } from './commands.js';
import { notFoundMessage, suggestCommands } from './not-found.js';
import { explainFlagErrors } from './parse-errors.js';

// The real command table, as oclif sees it: every id and alias in space form, and every topic.
const names = Object.entries(commands).flatMap(([id, Cls]) => [id, ...(Cls.aliases ?? [])].map((c) => c.replaceAll(':', ' ')));
const topicNames = Object.keys(topics);
const suggest = (line: string, rest: string[] = []) =>
  suggestCommands({ words: line.split(' '), rest, commands: names, topics: topicNames }).map((s) => s.join(' '));

describe('suggestCommands', () => {
  test('a singular topic gets the plural command, the rest of the line kept', () => {
    expect(suggest('number list', ['--limit', '5'])).toEqual(['numbers list --limit 5']);
    expect(suggest('contact create')).toEqual(['contacts create']);
    expect(suggest('api-key revoke key_1')).toEqual(['api-keys revoke key_1']);
    expect(suggest('trunk create')).toEqual(['trunks create']);
  });

  test('typos in either word, swapped words, and a lone topic', () => {
    expect(suggest('numbers lst')).toEqual(['numbers list']);
    expect(suggest('numbr retrieve +35929000001')).toEqual(['numbers retrieve +35929000001']);
    expect(suggest('list numbers')).toEqual(['numbers list']);
    expect(suggest('numbrs')).toEqual(['numbers']);
    expect(suggest('incident ack inc_1')).toEqual(['incidents ack inc_1']);
  });

  test('help <topic> suggests <topic> --help; nothing close suggests nothing', () => {
    expect(suggest('help numbers')).toEqual(['numbers --help']);
    expect(suggest('nope')).toEqual([]);
    expect(suggest('frobnicate widgets')).toEqual([]);
  });
});

describe('notFoundMessage', () => {
  test('names the command in space form, never with colons, and quotes arguments for the shell', () => {
    expect(notFoundMessage('prolope', ['number', 'list'], [['numbers', 'list', '--name', 'Ana B']])).toBe(
      `There is no command "prolope number list". Did you mean: prolope numbers list --name 'Ana B'`,
    );
    expect(notFoundMessage('prolope', ['nope'], [])).toBe('There is no command "prolope nope".');
    expect(notFoundMessage('prolope', ['x'], [['a'], ['b']])).toBe('There is no command "prolope x". Did you mean one of:\n  prolope a\n  prolope b');
  });
});

describe('explainFlagErrors', () => {
  const flags = { from: { type: 'option' }, severity: { type: 'option', options: ['critical', 'high'] }, all: { type: 'boolean' } };

  test('missing required flags are named with dashes, with what to add', () => {
    expect(explainFlagErrors('The following error occurred:\n  Missing required flag from', flags)).toBe('Missing required flag --from: add --from <value>.');
    expect(explainFlagErrors('The following errors occurred:\n  Missing required flag severity\n  Missing required flag from', flags)).toBe(
      'Missing required flags --severity, --from: add --severity <critical|high> --from <value>.',
    );
  });

  test('ANSI dimming is dropped, other reasons are kept, other messages are left alone', () => {
    expect(
      explainFlagErrors(
        'The following errors occurred:\n  \u001b[2mMissing required flag from\n  All of the following must be provided when using --max: --all\u001b[22m',
        flags,
      ),
    ).toBe('Missing required flag --from: add --from <value>.\nAll of the following must be provided when using --max: --all');
    expect(explainFlagErrors('Nonexistent flag: --nope', flags)).toBe('Nonexistent flag: --nope');
  });
});
