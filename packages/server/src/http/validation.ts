import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

// Fastify's default Ajv coerces types in every part of the request, so a JSON body's `"name": 42`
// would become "42" and pass. Query strings, path params and headers are text and need coercion;
// JSON bodies must not have it. Hence two Ajv instances, chosen by the part being validated.
const common: Options = {
  removeAdditional: false, // unknown fields are refused, not silently dropped
  useDefaults: true,
  allErrors: true,
  strict: false, // OpenAPI keywords such as `examples` and `x-*` are not JSON Schema vocabulary
  addUsedSchema: false, // the glue reuses one $id across routes
};

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ ...common, coerceTypes: coerce ? 'array' : false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

export function installValidators(app: FastifyInstance): void {
  const body = makeAjv(false);
  const text = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) =>
    (httpPart === 'body' ? body : text).compile(schema as object),
  );
}
