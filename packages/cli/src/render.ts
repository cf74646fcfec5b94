import { renderTable } from './table.js';

/**
 * How human output is laid out: `width` is what tables are fitted to (see `terminalWidth`); undefined
 * prints every value in full (`--wide`, or stdout not a terminal).
 *
 * @example
 * ```ts
 * renderList(page.data, { width: process.stdout.columns });
 * ```
 */
export interface Layout {
  width?: number | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How one value reads in a table cell: `-` for null, arrays of scalars joined with `, `, anything
 * else nested as compact JSON.
 *
 * @example
 * ```ts
 * formatValue(['admin', 'contacts:read']); // 'admin, contacts:read'
 * formatValue(null); // '-'
 * ```
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.length ? value.map(formatValue).join(', ') : '-';
  }
  return JSON.stringify(value);
}

// Field names that end in a unit: the value reads better with the unit after it (`4350 kbit/s`).
const UNITS: readonly (readonly [string, string])[] = [
  ['_kbps', 'kbit/s'],
  ['_ms', 'ms'],
];

function withUnit(key: string, value: unknown): string {
  const unit = typeof value === 'number' ? UNITS.find(([suffix]) => key.endsWith(suffix))?.[1] : undefined;
  return unit ? `${formatValue(value)} ${unit}` : formatValue(value);
}

function flatten(value: Json, prefix: string, out: [string, string][]): void {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(v) && Object.keys(v).length > 0) flatten(v, name, out);
    else if (Array.isArray(v) && v.length > 0 && v.every(isObject)) {
      // One row per field of each element (`reasons[0].message`) rather than a line of JSON.
      for (const [i, item] of v.entries()) flatten(item, `${name}[${i}]`, out);
    } else out.push([name, isObject(v) ? '-' : withUnit(key, v)]);
  }
}

/**
 * Renders one API object as `field  value` lines, nested objects as dotted field names, arrays of
 * objects with an index (`reasons[0].rule`), and `_kbps` / `_ms` numbers with their unit. Values
 * longer than `layout.width` leaves them are cut with `…`; field names never are.
 *
 * @example
 * ```ts
 * renderObject({ id: 'acct_1', legal_entity: { type: 'company' } });
 * // id                 acct_1
 * // legal_entity.type  company
 * renderObject({ required_kbps: 4350, reasons: [{ rule: 'bandwidth' }] });
 * // required_kbps    4350 kbit/s
 * // reasons[0].rule  bandwidth
 * ```
 */
export function renderObject(value: unknown, layout: Layout = {}): string {
  if (!isObject(value)) return formatValue(value);
  const rows: [string, string][] = [];
  flatten(value, '', rows);
  return renderTable(rows, { width: layout.width });
}

/**
 * Renders a list of API objects as a table: one row per item, one column per top-level field
 * that holds a scalar in some item (`object` left out). Nested fields are in `--json` output. A
 * table wider than `layout.width` gets its widest columns cut with `…`, never the first (the id).
 *
 * @example
 * ```ts
 * renderList([{ id: 'ctc_1', object: 'contact', name: 'Ana' }]);
 * // ID     NAME
 * // -----  ----
 * // ctc_1  Ana
 * ```
 */
export function renderList(items: readonly unknown[], layout: Layout = {}): string {
  if (items.length === 0) return 'No results.';
  const columns: string[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    for (const [key, v] of Object.entries(item)) {
      const scalar = v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => typeof x !== 'object'));
      if (key !== 'object' && scalar && !columns.includes(key)) columns.push(key);
    }
  }
  if (columns.length === 0) return items.map(formatValue).join('\n');
  const rows = items.map((item) => columns.map((c) => (isObject(item) ? formatValue(item[c]) : '')));
  return renderTable(rows, { header: columns.map((c) => c.toUpperCase()), width: layout.width });
}

/**
 * What a download command reports once the file is written (`--output`): printed as is with `--json`.
 *
 * @example
 * ```ts
 * const saved: Download = { object: 'download', path: 'rec.wav', content_type: 'audio/wav', size_bytes: 16044 };
 * ```
 */
export interface Download {
  object: 'download';
  path: string;
  content_type: string;
  size_bytes: number;
}

/**
 * Renders a finished download as one line.
 *
 * @example
 * ```ts
 * renderDownload({ object: 'download', path: 'rec.wav', content_type: 'audio/wav', size_bytes: 16044 });
 * // Wrote 16044 bytes (audio/wav) to rec.wav.
 * ```
 */
export function renderDownload(download: Download): string {
  return `Wrote ${download.size_bytes} bytes (${download.content_type}) to ${download.path}.`;
}
