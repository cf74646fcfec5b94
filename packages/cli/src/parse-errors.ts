import { stripVTControlCharacters } from 'node:util';

/**
 * What {@link explainFlagErrors} needs to know of a flag: its kind, choices and placeholder.
 *
 * @example
 * ```ts
 * const severity: FlagInfo = { type: 'option', options: ['critical', 'high', 'medium', 'low'] };
 * ```
 */
export interface FlagInfo {
  type?: string;
  options?: readonly string[] | undefined;
  helpValue?: string | readonly string[] | undefined;
}

const HEADER = /^The following errors? occurred:$/;
const MISSING = /^Missing required flag (\S+)$/;

function placeholder(name: string, flag: FlagInfo | undefined): string {
  if (flag?.type === 'boolean') return `--${name}`;
  if (flag?.options?.length) return `--${name} <${flag.options.join('|')}>`;
  const help = Array.isArray(flag?.helpValue) ? flag.helpValue.join(' ') : flag?.helpValue;
  return `--${name} ${help ?? '<value>'}`;
}

/**
 * Rewrites oclif's flag validation message (`The following errors occurred: Missing required flag
 * at`), which names flags without their dashes, into what to type: `Missing required flags
 * --severity, --at: add --severity <critical|high|medium|low> --at <value>.` Other reasons (`--max`
 * needs `--all`) are kept, one per line. Messages of another shape come back as they are.
 *
 * @example
 * ```ts
 * explainFlagErrors('The following error occurred:\n  Missing required flag from', { from: { type: 'option' } });
 * // 'Missing required flag --from: add --from <value>.'
 * ```
 */
export function explainFlagErrors(message: string, flags: Readonly<Record<string, FlagInfo>>): string {
  const [first, ...lines] = stripVTControlCharacters(message)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (!first || !HEADER.test(first)) return message;
  const missing = lines.map((l) => MISSING.exec(l)?.[1]).filter((n) => n !== undefined);
  const others = lines.filter((l) => !MISSING.test(l));
  const out: string[] = [];
  if (missing.length) {
    const names = missing.map((n) => `--${n}`).join(', ');
    const add = missing.map((n) => placeholder(n, flags[n])).join(' ');
    out.push(`Missing required flag${missing.length > 1 ? 's' : ''} ${names}: add ${add}.`);
  }
  out.push(...others);
  return out.join('\n');
}
