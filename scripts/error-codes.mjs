// The error-code list (openapi/errors.yaml): read and checked here, then written by generate.mjs into the
// bundled spec (the enum of Problem.code) and into @prolope/contract (errorCodes). Kept apart from
// generate.mjs so tests can use it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const CODE = /^[a-z][a-z0-9_]*$/;

/** Reads openapi/errors.yaml and refuses anything but `code: { status: 4xx|5xx, title: text }`, in file order. */
export function readErrorCodes(file) {
  const data = parse(readFileSync(file, 'utf8'));
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: expected a map of error codes`);
  const out = {};
  for (const [code, entry] of Object.entries(data)) {
    if (!CODE.test(code)) throw new Error(`${file}: ${code}: a code is snake_case`);
    const keys = Object.keys(entry ?? {})
      .sort()
      .join(',');
    if (keys !== 'status,title') throw new Error(`${file}: ${code}: expected exactly status and title, got ${keys || 'nothing'}`);
    if (!Number.isInteger(entry.status) || entry.status < 400 || entry.status > 599) throw new Error(`${file}: ${code}: status must be 400-599`);
    if (typeof entry.title !== 'string' || entry.title.trim() === '') throw new Error(`${file}: ${code}: title must be text`);
    out[code] = { status: entry.status, title: entry.title };
  }
  return out;
}

/**
 * Makes the codes the enum of the bundled spec's Problem.code. The spec under openapi/ leaves `code` a
 * plain string so the list is not written twice; one that lists values itself is refused.
 */
export function addErrorCodeEnum(spec, errorCodes) {
  const code = spec.components?.schemas?.Problem?.properties?.code;
  if (code?.type !== 'string') throw new Error('openapi: components.schemas.Problem.properties.code (a string) is missing');
  if ('enum' in code) throw new Error('openapi: Problem.code lists its values itself; the list lives in openapi/errors.yaml only');
  code.enum = Object.keys(errorCodes);
}
