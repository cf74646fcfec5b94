/** What the keys do, printed once when `prolope phone` reads the terminal. */
export const keyHelp = 'Keys: a answer, r reject, h hang up, o hold/resume, 0-9 * # send a digit, q quit (Ctrl+C too).';

/**
 * Single keys from the terminal without Enter (raw mode), for `prolope phone`'s interactive mode.
 * Raw mode turns Ctrl+C into the byte 0x03 instead of SIGINT, so callers treat `\u0003` as quit.
 *
 * @example
 * ```ts
 * const keys = phoneKeys();
 * keys.onKey((key) => key === 'q' && keys.close());
 * ```
 */
export function phoneKeys(input: NodeJS.ReadStream = process.stdin): { onKey(listener: (key: string) => void): void; close(): void } {
  const listeners: Array<(key: string) => void> = [];
  const onData = (chunk: Buffer | string) => {
    for (const key of String(chunk)) for (const l of listeners) l(key);
  };
  if (input.isTTY) input.setRawMode(true);
  input.setEncoding('utf8');
  input.on('data', onData);
  input.resume();
  return {
    onKey: (listener) => void listeners.push(listener),
    close: () => {
      input.off('data', onData);
      if (input.isTTY) input.setRawMode(false);
      input.pause();
    },
  };
}
