/**
 * A positive number from the environment variable `name`, or `fallback` when it is unset; anything
 * else stops the bench with a message naming the variable.
 *
 * @example
 * const seconds = envNumber('BENCH_PBX_SECONDS', 5);
 */
export function envNumber(name, fallback) {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${process.env[name]}"`);
  return v;
}
