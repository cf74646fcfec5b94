/**
 * Writes text to stdout, ending it with a newline.
 *
 * @example
 * ```ts
 * writeOut('Logged in.');
 * ```
 */
export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * Writes text to stderr, ending it with a newline.
 *
 * @example
 * ```ts
 * writeErr('More: prolope contacts list --starting-after ctc_123');
 * ```
 */
export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * Writes a value as pretty-printed JSON (two spaces) to stdout or stderr.
 *
 * @example
 * ```ts
 * writeJson({ id: 'ctc_123' });
 * ```
 */
export function writeJson(value: unknown, stream: 'stdout' | 'stderr' = 'stdout'): void {
  const text = `${JSON.stringify(value ?? null, null, 2)}\n`;
  (stream === 'stdout' ? process.stdout : process.stderr).write(text);
}
