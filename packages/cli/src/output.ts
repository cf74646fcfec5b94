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

/**
 * Writes bytes to stdout as they are (a downloaded file), resolving once they are handed to the
 * stream, so the process does not exit before a large file is written.
 *
 * @example
 * ```ts
 * await writeBytes(new Uint8Array(await response.arrayBuffer()));
 * ```
 */
export function writeBytes(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}
