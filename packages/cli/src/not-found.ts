import type { Hook } from '@oclif/core';
import { distance } from 'fastest-levenshtein';
import { jsonRequested } from './base-command.js';
import { CliError } from './errors.js';
import { writeErr, writeJson } from './output.js';

/**
 * What the user typed that names no command, and what there is to suggest instead.
 *
 * @example
 * ```ts
 * const input: NotFoundInput = { words: ['number', 'list'], rest: ['--limit', '5'], commands: ['numbers list'], topics: ['numbers'] };
 * ```
 */
export interface NotFoundInput {
  /** The words oclif took for the command (`number list`), arguments after them included. */
  words: readonly string[];
  /** The rest of the command line (flags and their values), kept in the suggestion. */
  rest: readonly string[];
  /** Every command and alias, words separated by spaces (`numbers list`, `trunks create`). */
  commands: readonly string[];
  /** Every topic (`numbers`, `trunks`). */
  topics: readonly string[];
}

interface Candidate {
  /** The command or topic suggested, in space form. */
  name: string;
  /** How many of the typed words it replaces. */
  consumes: number;
  cost: number;
}

function score(typed: readonly string[], name: string): Candidate | undefined {
  const words = name.split(' ');
  const k = words.length;
  if (typed.length < k) return undefined;
  const head = typed.slice(0, k);
  let cost = distance(head.join(' '), name);
  // `list numbers` for `numbers list`: the order of a two-word command, swapped, costs one edit.
  if (k === 2) cost = Math.min(cost, distance([...head].reverse().join(' '), name) + 1);
  // Up to a third of the name may differ: `number` → `numbers`, `lst` → `list`, `num list` →
  // `numbers list`, but not `nope` → `dev`.
  return cost <= Math.max(1, Math.floor(name.length / 3)) ? { name, consumes: k, cost } : undefined;
}

/**
 * The command lines to suggest for one that names no command, best first (at most three), each as
 * its words after the bin: commands and topics within a few edits of what was typed (a missing or
 * extra `s`, a typo, two words swapped), the rest of the line kept. `help <topic>` suggests
 * `<topic> --help`. Edit distance from fastest-levenshtein.
 *
 * @example
 * ```ts
 * suggestCommands({ words: ['number', 'list'], rest: ['--limit', '5'], commands: ['numbers list'], topics: ['numbers'] });
 * // [['numbers', 'list', '--limit', '5']]
 * ```
 */
export function suggestCommands(input: NotFoundInput): string[][] {
  const { words, rest } = input;
  if (words[0] === 'help') return [[...words.slice(1), ...rest, '--help']];
  const names = new Set([...input.commands, ...input.topics]);
  const scored = [...names].map((name) => score(words, name)).filter((c) => c !== undefined);
  if (scored.length === 0) return [];
  // A whole command before a topic (`numbers list` rather than `numbers` for `numbers lst`: the
  // topic alone would leave `lst` unexplained), then the fewest edits.
  scored.sort((a, b) => b.consumes - a.consumes || a.cost - b.cost || a.name.localeCompare(b.name));
  const [best] = scored;
  return scored
    .filter((c) => best && c.cost === best.cost && c.consumes === best.consumes)
    .slice(0, 3)
    .map((c) => [...c.name.split(' '), ...words.slice(c.consumes), ...rest]);
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The message for a command line that names no command: the command in space form, and the
 * suggested command lines, arguments quoted for a POSIX shell.
 *
 * @example
 * ```ts
 * notFoundMessage('prolope', ['number', 'list'], [['numbers', 'list']]);
 * // 'There is no command "prolope number list". Did you mean: prolope numbers list'
 * ```
 */
export function notFoundMessage(bin: string, words: readonly string[], suggestions: readonly (readonly string[])[]): string {
  const typed = `"${[bin, ...words].map(quote).join(' ')}"`;
  if (suggestions.length === 0) return `There is no command ${typed}.`;
  const lines = suggestions.map((s) => [bin, ...s].map(quote).join(' '));
  return lines.length === 1
    ? `There is no command ${typed}. Did you mean: ${lines[0]}`
    : `There is no command ${typed}. Did you mean one of:\n  ${lines.join('\n  ')}`;
}

/**
 * oclif's `command_not_found` hook (wired up in `bin/run.js`): instead of oclif's `command x:y not
 * found`, says what was typed in space form, suggests the closest commands, points at the help, and
 * exits with the usage code (2), as JSON on stderr with `--json`.
 *
 * @example
 * ```ts
 * // bin/run.js
 * pjson.oclif.hooks = { command_not_found: { target: './dist/commands.js', identifier: 'commandNotFound' } };
 * ```
 */
export const commandNotFound: Hook<'command_not_found'> = async function (options) {
  const { config, id } = options;
  const argv = options.argv ?? [];
  const sep = config.topicSeparator;
  const words = id.split(':');
  const commands = config.commandIDs.map((c) => c.replaceAll(':', ' '));
  const topics = config.topics.map((t) => t.name.replaceAll(':', ' '));
  const suggestions = suggestCommands({ words, rest: argv, commands, topics });
  const message = notFoundMessage(config.bin, words, suggestions);
  const error = new CliError('usage_error', message);
  if (jsonRequested(argv)) {
    writeJson(error.toJSON(), 'stderr');
  } else {
    // Point at the closest help there is: the topic typed, when it is one, else the whole list.
    const topic = topics.includes(words[0] ?? '') ? `${sep}${words[0]}` : '';
    writeErr(`Error: ${message}\nSee: ${config.bin}${topic} --help`);
  }
  this.exit(error.exitCode);
};
