// Structural checks for VoiceResponse, so a mistake fails where it is made instead of as an apology
// on a live call. Value ranges (digits 1..64, loop 1..100, ...) are left to the server, which checks
// every answer against the spec's Instructions schema; copying them here would let the two drift.

/** Options people bring from TwiML or from the JSON field names, and what to write instead. */
const LIKELY: Record<string, string> = {
  numDigits: 'digits (how many digits to collect)',
  action: 'actionUrl',
  timeout: 'timeoutSeconds',
  maxLength: 'maxSeconds',
  timeLimit: 'timeLimitSeconds',
  method: 'nothing: action URLs are always POSTed (only redirect() takes a method)',
  prompt: "the second argument: gather(options, (prompt) => prompt.say('...'))",
  input: 'nothing: gather collects DTMF digits only',
};

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Copies the given options to their snake_case fields, leaving out undefined ones, and throws on an
 * option the verb does not have, naming what was probably meant.
 */
export function fieldsOf(
  where: string,
  options: object | undefined,
  known: Record<string, string>,
  convert: (field: string, value: unknown) => unknown = (_, v) => v,
): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object such as { ${Object.keys(known)[0]}: ... }; got ${describe(options)}.`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const field = known[key];
    if (field === undefined) {
      const meant = known[camel(key)] !== undefined ? camel(key) : LIKELY[key];
      const hint = meant ? `use ${meant}` : `the options are ${Object.keys(known).join(', ')}`;
      throw new TypeError(`${where}: unknown option "${key}"; ${hint}.`);
    }
    if (value !== undefined) out[field] = convert(field, value);
  }
  return out;
}

/** A required, non-empty string argument. */
export function text(where: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${where}: ${name} must be a non-empty string; got ${describe(value)}.`);
  return value;
}

/** An absolute http(s) URL: Prolope fetches nothing else. Relative ones are resolved against `base`. */
export function absoluteUrl(where: string, value: unknown, base: URL | undefined): string {
  if (value instanceof URL) value = value.href;
  const given = text(where, 'the URL', value);
  let url: URL;
  try {
    url = new URL(given, base);
  } catch {
    throw new TypeError(
      `${where}: ${JSON.stringify(given)} is not an absolute URL, and Prolope only fetches absolute http(s) URLs. ` +
        "Give the full URL, or create the response with new VoiceResponse({ baseUrl: 'https://your-app.example' }) to resolve relative ones.",
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${where}: ${JSON.stringify(given)} must be an http(s) URL.`);
  return url.href;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
}
