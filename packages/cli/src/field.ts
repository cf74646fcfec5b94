/**
 * The value of `--field` in argv (`--field a.b` or `--field=a.b`), before any `--`; read from argv so
 * that every command has it without declaring it.
 *
 * @example
 * ```ts
 * fieldRequested(['accounts', 'create', '--field', 'initial_api_key.secret']); // 'initial_api_key.secret'
 * ```
 */
export function fieldRequested(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  const upTo = end === -1 ? argv.length : end;
  for (let i = 0; i < upTo; i++) {
    const arg = argv[i] as string;
    if (arg === '--field') return argv[i + 1];
    if (arg.startsWith('--field=')) return arg.slice('--field='.length);
  }
  return undefined;
}

/**
 * Picks a dotted path out of a result: `initial_api_key.secret`, `data.0.id` (array indexes as
 * numbers). `found` is false when any step is missing, so a null value is told apart from no field.
 *
 * @example
 * ```ts
 * pickField({ credentials: { password: 's3cret' } }, 'credentials.password'); // { found: true, value: 's3cret' }
 * pickField({ id: 'acct_1' }, 'name'); // { found: false }
 * ```
 */
export function pickField(value: unknown, path: string): { found: true; value: unknown } | { found: false } {
  let current: unknown = value;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, step)) return { found: false };
    current = (current as Record<string, unknown>)[step];
  }
  return { found: true, value: current };
}

/**
 * How a picked field prints: strings as they are (no quotes, so `$(...)` captures a key or an id),
 * numbers and booleans as text, objects and arrays as JSON.
 *
 * @example
 * ```ts
 * formatField('pk_live_abc'); // 'pk_live_abc'
 * formatField({ a: 1 }); // '{\n  "a": 1\n}'
 * ```
 */
export function formatField(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value, null, 2);
}
