import { type CapacityInput, capacity, formatSofiaTime, type Severity, type SlaDue, slaDueTimes } from '@prolope/rules';
import { CliError } from './errors.js';

/**
 * An operation the CLI can answer without the API: it takes the query the API would get (API field
 * names, values already typed) and returns what the API would answer.
 *
 * @example
 * ```ts
 * const op: OfflineOperation = (query) => ({ object: 'echo', ...query });
 * ```
 */
export type OfflineOperation = (query: Readonly<Record<string, unknown>>) => unknown;

/**
 * Turns the capacity endpoint's query into the input of `capacity()` of @prolope/rules: the `link_*` fields
 * and `bandwidth_kbps` describe a link, and a link needs its bandwidth (as the API requires).
 *
 * @throws CliError `usage_error` when link fields are given without `bandwidth_kbps`.
 * @example
 * ```ts
 * capacityInput({ lines: 30, link_type: 'leased_line', bandwidth_kbps: 1_000_000, delay_ms: 40 });
 * // { lines: 30, link: { type: 'leased_line', bandwidth_kbps: 1000000, delay_ms: 40 } }
 * ```
 */
export function capacityInput(query: Readonly<Record<string, unknown>>): CapacityInput {
  const link: Record<string, unknown> = {};
  for (const [from, to] of [
    ['link_type', 'type'],
    ['bandwidth_kbps', 'bandwidth_kbps'],
    ['delay_ms', 'delay_ms'],
    ['static_ip', 'static_ip'],
  ] as const) {
    if (query[from] !== undefined) link[to] = query[from];
  }
  const described = Object.keys(link).length > 0;
  if (described && link.bandwidth_kbps === undefined) {
    throw new CliError('usage_error', 'Give --bandwidth-kbps to describe the link; --link-type, --delay-ms and --static-ip only add to it.');
  }
  return {
    lines: query.lines as number,
    ...(query.kind !== undefined ? { kind: query.kind as CapacityInput['kind'] } : {}),
    ...(described ? { link: link as unknown as NonNullable<CapacityInput['link']> } : {}),
  };
}

/**
 * The offline implementations, keyed by the name the spec gives in `x-cli-offline`. An operation
 * that names one takes its path params as optional: without them the CLI answers from here, with
 * no server and no API key.
 *
 * @example
 * ```ts
 * offline.capacity?.({ lines: 30, kind: 'web' }); // { object: 'capacity', required_kbps: 4350, … }
 * ```
 */
export const offline: Readonly<Record<string, OfflineOperation>> = {
  capacity: (query) => capacity(capacityInput(query)),
  slaDue: (query) => slaDueTimes(query.severity as Severity, query.at as string),
};

/**
 * How `prolope sla due` reads without `--json`: the severity and its clock, then each due time in
 * Sofia local time with its UTC instant.
 *
 * @example
 * ```ts
 * renderSlaDue(slaDueTimes('high', '2026-12-23T17:00:00+02:00'));
 * // severity            high (support hours: weekdays 09:00-18:00 Sofia, statutory calendar)
 * // started_at          2026-12-23 17:00 EET (2026-12-23T15:00:00.000Z)
 * // initial_response    2026-12-29 16:00 EET (2026-12-29T14:00:00.000Z)
 * // temporary_solution  2026-12-31 17:00 EET (2026-12-31T15:00:00.000Z)
 * // final_resolution    2027-01-18 17:00 EET (2027-01-18T15:00:00.000Z)
 * ```
 */
export function renderSlaDue(due: SlaDue): string {
  const clock = due.clock === '24x7' ? '24/7 clock' : 'support hours: weekdays 09:00-18:00 Sofia, statutory calendar';
  const rows: [string, string][] = [['severity', `${due.severity} (${clock})`]];
  for (const key of ['started_at', 'initial_response', 'temporary_solution', 'final_resolution'] as const) {
    rows.push([key, `${formatSofiaTime(new Date(due[key]))} (${due[key]})`]);
  }
  const width = Math.max(...rows.map(([key]) => key.length)) + 2;
  return rows.map(([key, value]) => key.padEnd(width) + value).join('\n');
}

/**
 * How the CLI answers one operation offline by default: the offline implementation's name, how the
 * answer reads without `--json`, the help note, and defaults for flags the API requires.
 *
 * @example
 * ```ts
 * const entry: OfflineByDefault = { implementation: 'slaDue', render: renderSlaDue, help: '…', defaults: { at: { value: () => new Date().toISOString(), help: 'now' } } };
 * ```
 */
export interface OfflineByDefault {
  implementation: string;
  render: (result: never) => string;
  help: string;
  /** Flag defaults, by flag name: the value is taken when the command runs; `help` is what `--help` shows. */
  defaults?: Readonly<Record<string, { value: () => string; help: string }>>;
}

/**
 * Operations the CLI answers offline although they have no path params to leave out, keyed by
 * operation id. `prolope sla due` computes with the statutory Bulgarian calendar only; the operator's
 * extra days off and working days live on the server, which `--online` asks instead
 * (`GET /v1/sla/due`, no API key needed). Its `--at` defaults to now.
 *
 * @example
 * ```ts
 * offlineByDefault['sla.due']?.implementation; // 'slaDue'
 * ```
 */
export const offlineByDefault: Readonly<Record<string, OfflineByDefault>> = {
  'sla.due': {
    implementation: 'slaDue',
    render: renderSlaDue,
    // What one asks most is "if I report it now"; the API still wants `at`, and --online sends it.
    defaults: { at: { value: () => new Date().toISOString(), help: 'now' } },
    help:
      "Answered offline by the SDK's slaDueTimes(), with no server or API key, on the statutory Bulgarian calendar only " +
      "(holidays, Orthodox Easter, days in lieu). The operator's extra days off and working days are on the server: " +
      'add --online to ask GET /v1/sla/due instead.',
  },
};

/**
 * Runs an offline implementation by name.
 *
 * @throws CliError `usage_error` when the implementation rejects its input (a `RangeError`).
 * @example
 * ```ts
 * runOffline('capacity', { lines: 30, kind: 'ip' }); // { …, required_kbps: 2400 }
 * ```
 */
export function runOffline(name: string, query: Readonly<Record<string, unknown>>): unknown {
  const run = offline[name];
  if (!run) throw new CliError('internal_error', `No offline implementation named ${name}`);
  try {
    return run(query);
  } catch (err) {
    // @prolope/rules checks its input with RangeError; on the command line that is a usage mistake.
    if (err instanceof RangeError) throw new CliError('usage_error', err.message, { cause: err });
    throw err;
  }
}
