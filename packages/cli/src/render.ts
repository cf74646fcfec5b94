import { renderTable } from './table.js';

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

function flatten(value: Json, prefix: string, out: [string, string][]): void {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(v) && Object.keys(v).length > 0) flatten(v, name, out);
    else out.push([name, isObject(v) ? '-' : formatValue(v)]);
  }
}

/**
 * Renders one API object as `field  value` lines, nested objects as dotted field names.
 *
 * @example
 * ```ts
 * renderObject({ id: 'acct_1', legal_entity: { type: 'company' } });
 * // id                 acct_1
 * // legal_entity.type  company
 * ```
 */
export function renderObject(value: unknown): string {
  if (!isObject(value)) return formatValue(value);
  const rows: [string, string][] = [];
  flatten(value, '', rows);
  return renderTable(rows, { maxCellWidth: 200 });
}

/**
 * Renders a list of API objects as a table: one row per item, one column per top-level field
 * that holds a scalar in some item (`object` left out). Nested fields are in `--json` output.
 *
 * @example
 * ```ts
 * renderList([{ id: 'ctc_1', object: 'contact', name: 'Ana' }]);
 * // ID     NAME
 * // -----  ----
 * // ctc_1  Ana
 * ```
 */
export function renderList(items: readonly unknown[]): string {
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
  return renderTable(rows, { header: columns.map((c) => c.toUpperCase()) });
}
