import { readFileSync } from 'node:fs';

/** A fenced shell block a doc marks as runnable: ```` ```sh runnable ````. */
export interface RunnableBlock {
  /** The doc, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

const FENCE = /^(`{3,})(sh|bash|shell)\s+runnable\s*$/;

/**
 * The runnable blocks of one markdown file, in order. Only blocks whose info string is `sh runnable`
 * (or bash/shell) run: other blocks show placeholders (`pk_live_...`), long-running commands such as
 * the start command, or output, and are read, not run.
 */
export function runnableBlocks(root: string, file: string): RunnableBlock[] {
  const lines = readFileSync(`${root}/${file}`, 'utf8').split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] as string;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? '').startsWith(fence)) body.push(lines[j++] ?? '');
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: runnable block is never closed`);
    blocks.push({ file, line: i + 1, code: body.join('\n') });
    i = j;
  }
  return blocks;
}
