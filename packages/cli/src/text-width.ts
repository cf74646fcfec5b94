import { createRequire } from 'node:module';
import type stringWidth from 'string-width';

// string-width sets up an Intl.Segmenter when imported, some 30 ms of every command's cold start.
// Most cells are printable ASCII, whose width is their length, so it is loaded (synchronously: Node
// >= 20.19 requires ES modules) only for other text.
const require = createRequire(import.meta.url);
let measure: typeof stringWidth | undefined;
function width(text: string): number {
  measure ??= (require('string-width') as { default: typeof stringWidth }).default;
  return measure(text);
}

const ASCII = /^[\x20-\x7e]*$/;

/**
 * How many terminal columns a line of text takes: 2 for each wide character (CJK, most emoji),
 * 0 for combining marks.
 *
 * @example
 * ```ts
 * textWidth('Ana'); // 3
 * textWidth('日本'); // 4
 * ```
 */
export function textWidth(text: string): number {
  return ASCII.test(text) ? text.length : width(text);
}

/**
 * Cuts a line of text to at most `columns` terminal columns, ending it with `…` when cut.
 *
 * @example
 * ```ts
 * cutToWidth('Ana Maria Petrova', 8); // 'Ana Mar…'
 * cutToWidth('日本語テキスト', 5); // '日本…'
 * ```
 */
export function cutToWidth(text: string, columns: number): string {
  if (textWidth(text) <= columns) return text;
  if (columns <= 0) return '';
  if (ASCII.test(text)) return `${text.slice(0, columns - 1)}…`;
  // By grapheme, by hand: cli-truncate overruns when the cut falls inside a wide character
  // (7 columns for '日本語テキスト' cut to 6), which would push the next column out of line.
  let out = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter().segment(text)) {
    const w = textWidth(segment);
    if (used + w > columns - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}
