import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { openapiDocument } from '../http/operations.js';

type Json = Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(openapiDocument as object, 'spec');

const esc = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

function follow(pointer: string): { node: Json; pointer: string } {
  let at = pointer;
  let node = at
    .split('/')
    .slice(1)
    .reduce<unknown>((o, k) => (o as Json)?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], openapiDocument) as Json;
  while (node && typeof node.$ref === 'string') {
    at = node.$ref.slice(1);
    node = at
      .split('/')
      .slice(1)
      .reduce<unknown>((o, k) => (o as Json)?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], openapiDocument) as Json;
  }
  return { node, pointer: at };
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
}

const routes: Route[] = Object.entries(openapiDocument.paths).flatMap(([template, item]) =>
  Object.keys(item)
    .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
    .map((method) => ({
      method,
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    })),
);

const cache = new Map<string, ValidateFunction>();

/**
 * Checks a response against the spec: the status must be documented for the operation, and the
 * body must match its schema. Returns the problems found (empty when valid).
 */
export function validateResponse(method: string, path: string, status: number, contentType: string, body: unknown): string[] {
  const m = method.toLowerCase();
  const pathname = path.split('?')[0] as string;
  // Static segments win over templates (/v1/accounts/me before /v1/accounts/{id}), as in the router.
  const candidates = routes.filter((r) => r.method === m && r.regex.test(pathname));
  const route = candidates.find((r) => !r.template.includes('{')) ?? candidates[0];
  if (!route) {
    // Not an operation (unknown route or a method the path lacks): it must still be a problem.
    return status === 404 || status === 405 || status === 429 ? checkSchema('/components/schemas/Problem', body) : [`no operation for ${method} ${pathname}`];
  }
  const opPointer = `/paths/${esc(route.template)}/${m}`;
  const responses = follow(`${opPointer}/responses`).node;
  // Server errors can happen anywhere; they are problems even when an operation does not list them
  // (tests that must see none, such as the fuzzer, check for them themselves). Every other status,
  // 429 included, must be documented on the operation.
  if (!responses[String(status)] && status >= 500) return checkSchema('/components/schemas/Problem', body);
  if (!responses[String(status)]) return [`${method} ${route.template} answered ${status}, which the spec does not document`];
  const response = follow(`${opPointer}/responses/${status}`);
  const content = response.node.content as Json | undefined;
  if (!content) return body === undefined || body === '' ? [] : [`${status} should have no body`];
  const media = contentType.split(';')[0]?.trim() ?? '';
  if (!content[media]) return [`${method} ${route.template} ${status} sent ${media}; the spec says ${Object.keys(content).join(', ')}`];
  return checkSchema(`${response.pointer}/content/${esc(media)}/schema`, body);
}

function checkSchema(pointer: string, body: unknown): string[] {
  let validate = cache.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `spec#${pointer}` });
    cache.set(pointer, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}
