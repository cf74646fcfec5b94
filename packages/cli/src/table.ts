import { cutToWidth, textWidth } from './text-width.js';

/**
 * Options of {@link renderTable}.
 *
 * @example
 * ```ts
 * const options: TableOptions = { header: ['ID', 'NAME'], width: 120 };
 * ```
 */
export interface TableOptions {
  /** A first row, underlined. */
  header?: readonly string[] | undefined;
  /**
   * The most columns a line may take, usually the terminal's (see `terminalWidth`). Wider tables
   * get their widest columns cut with `…`, never the first. Undefined: no limit, every cell in full.
   */
  width?: number | undefined;
}

const GAP = '  ';
// A cut column keeps at least this many columns, `…` included: narrower is unreadable.
const MIN_CUT = 5;

function flat(value: string): string {
  // One line per row: control characters would break the columns.
  return value.replace(/[\r\n\t]+/g, ' ').replace(/\p{Cc}/gu, '');
}

/**
 * How wide each column may be so that the table fits `width`: the first column (the id, or the
 * field name: what one reads and copies) stays whole; the others are capped at one common width,
 * the largest that fits, so the widest are cut first and narrow ones (`STATUS`) not at all. What
 * the cap leaves over goes to the cut columns, left to right, so the lines use the whole width.
 *
 * @example
 * ```ts
 * fitColumns([31, 25, 24, 6], 80); // [31, 19, 18, 6]
 * ```
 */
export function fitColumns(natural: readonly number[], width: number | undefined): number[] {
  const gaps = GAP.length * Math.max(0, natural.length - 1);
  const total = natural.reduce((a, b) => a + b, 0) + gaps;
  if (width === undefined || total <= width || natural.length < 2) return [...natural];
  const [first = 0, ...rest] = natural;
  const budget = width - gaps - first;
  const capped = (cap: number) => rest.reduce((sum, w) => sum + Math.min(w, cap), 0);
  let cap = Math.max(...rest);
  while (cap > MIN_CUT && capped(cap) > budget) cap--;
  const out = rest.map((w) => Math.min(w, cap));
  let spare = budget - capped(cap);
  for (let i = 0; spare > 0 && i < out.length; i++) {
    const grow = Math.min(spare, (rest[i] ?? 0) - (out[i] ?? 0));
    out[i] = (out[i] ?? 0) + grow;
    spare -= grow;
  }
  return [first, ...out];
}

/**
 * Renders rows as aligned columns separated by two spaces, with an optional underlined header,
 * fitted to `options.width` (see {@link fitColumns}). No trailing spaces, one line per row; widths
 * are terminal columns, so wide characters (CJK, emoji) line up too.
 *
 * @example
 * ```ts
 * renderTable([['ctc_1', 'Ana']], { header: ['ID', 'NAME'] });
 * // ID     NAME
 * // -----  ----
 * // ctc_1  Ana
 * renderTable([['ctc_1', 'Ana Maria Petrova']], { header: ['ID', 'NAME'], width: 15 });
 * // ID     NAME
 * // -----  --------
 * // ctc_1  Ana Mar…
 * ```
 */
export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const body = rows.map((row) => row.map(flat));
  const header = options.header?.map(flat);
  const all = header ? [header, ...body] : body;
  const columns = Math.max(0, ...all.map((row) => row.length));
  const natural = Array.from({ length: columns }, (_, i) => Math.max(0, ...all.map((row) => textWidth(row[i] ?? ''))));
  const widths = fitColumns(natural, options.width);
  const line = (row: readonly string[]) =>
    widths
      .map((w, i) => {
        const v = cutToWidth(row[i] ?? '', w);
        return i === columns - 1 ? v : v + ' '.repeat(Math.max(0, w - textWidth(v)));
      })
      .join(GAP)
      .trimEnd();
  const out = body.map(line);
  if (header) out.unshift(line(header), line(widths.map((w) => '-'.repeat(w))));
  return out.join('\n');
}
