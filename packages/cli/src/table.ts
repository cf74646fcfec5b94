/**
 * Options of {@link renderTable}.
 *
 * @example
 * ```ts
 * const options: TableOptions = { header: ['ID', 'NAME'], maxCellWidth: 30 };
 * ```
 */
export interface TableOptions {
  /** A first row, underlined. */
  header?: readonly string[] | undefined;
  /** Longer cells are cut with `…`. Default 48. */
  maxCellWidth?: number | undefined;
}

const GAP = '  ';

function cell(value: string, max: number): string {
  // One line per row: control characters would break the columns.
  const flat = value.replace(/[\r\n\t]+/g, ' ').replace(/\p{Cc}/gu, '');
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

function width(value: string): number {
  return Array.from(value).length;
}

/**
 * Renders rows as aligned columns separated by two spaces, with an optional underlined header.
 * No trailing spaces, one line per row.
 *
 * @example
 * ```ts
 * renderTable([['ctc_1', 'Ana']], { header: ['ID', 'NAME'] });
 * // ID     NAME
 * // -----  ----
 * // ctc_1  Ana
 * ```
 */
export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const max = options.maxCellWidth ?? 48;
  const body = rows.map((row) => row.map((v) => cell(v, max)));
  const all = options.header ? [options.header.map((v) => cell(v, max)), ...body] : body;
  const columns = Math.max(0, ...all.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...all.map((row) => width(row[i] ?? ''))));
  const line = (row: readonly string[]) =>
    widths
      .map((w, i) => {
        const v = row[i] ?? '';
        return i === columns - 1 ? v : v + ' '.repeat(w - width(v));
      })
      .join(GAP)
      .trimEnd();
  const out = body.map(line);
  if (options.header) out.unshift(line(options.header.map((v) => cell(v, max))), line(widths.map((w) => '-'.repeat(w))));
  return out.join('\n');
}
