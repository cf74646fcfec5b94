/**
 * The width tables are fitted to: `COLUMNS` when it is set to a positive integer, else the width of
 * stdout when it is a terminal, else undefined, meaning no limit. Piped or redirected output
 * (`prolope contacts list | grep Ana`) so gets every value in full, as the Stripe and GitHub CLIs
 * print it; `COLUMNS=100 prolope … | less` fits it anyway.
 *
 * @example
 * ```ts
 * terminalWidth({ isTTY: true, columns: 120 }, {}); // 120
 * terminalWidth({ isTTY: false }, {}); // undefined
 * terminalWidth({ isTTY: false }, { COLUMNS: '80' }); // 80
 * ```
 */
export function terminalWidth(
  stream: { isTTY?: boolean | undefined; columns?: number | undefined } = process.stdout,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}
