// Year 5138 in seconds, or 1973 in milliseconds: anything above is almost
// certainly Date.now() passed where seconds were expected.
const MILLISECONDS_THRESHOLD = 1e11;

/** Converts a Date or unix seconds to whole unix seconds, rejecting likely mistakes. */
export function toUnixSeconds(value: Date | number, name: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TypeError(`${name} is an invalid Date.`);
    return Math.floor(ms / 1000);
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a Date or unix seconds; got ${String(value)}.`);
  }
  if (value > MILLISECONDS_THRESHOLD) {
    throw new RangeError(`${name} (${value}) looks like milliseconds; pass unix seconds (Math.floor(Date.now() / 1000)) or a Date.`);
  }
  return Math.floor(value);
}
