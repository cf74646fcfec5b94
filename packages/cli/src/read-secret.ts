import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads one line from stdin. On a terminal it prints `prompt` to stderr and does not echo what
 * is typed; from a pipe (`echo $KEY | prolope login`) it reads the first line.
 *
 * @example
 * ```ts
 * const key = await readSecret('API key: ');
 * ```
 */
export async function readSecret(prompt: string): Promise<string> {
  const tty = Boolean(process.stdin.isTTY);
  if (tty) process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: tty ? muted : undefined, terminal: tty });
  try {
    const line = await new Promise<string>((resolve) => {
      let answered = false;
      rl.once('line', (text) => {
        answered = true;
        resolve(text);
      });
      rl.once('close', () => {
        if (!answered) resolve('');
      });
    });
    return line.trim();
  } finally {
    rl.close();
    if (tty) process.stderr.write('\n');
  }
}
