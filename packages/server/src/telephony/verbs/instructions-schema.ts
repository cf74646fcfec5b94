import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openapiDocument } from '../../http/operations.js';
import type { Verb } from './verb-types.js';

// Validate against the bundled spec itself, so the interpreter accepts exactly what the contract documents.
const ajv = new Ajv2020({ strict: false, allErrors: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(openapiDocument as object, 'spec');
const validate = ajv.getSchema('spec#/components/schemas/Instructions');
if (!validate) throw new Error('the spec has no components.schemas.Instructions');

/** A voice application's answer that is not valid Instructions. */
export class InvalidInstructionsError extends Error {
  override readonly name = 'InvalidInstructionsError';
}

/** Checks a parsed answer against the Instructions schema and returns its verbs (either accepted form). */
export function parseInstructions(body: unknown): Verb[] {
  if (!validate?.(body)) {
    const first = validate?.errors?.[0];
    const where = first ? `${first.instancePath || '/'} ${first.message ?? ''}`.trim() : 'unknown error';
    throw new InvalidInstructionsError(`not valid Instructions: ${where}`);
  }
  return Array.isArray(body) ? (body as Verb[]) : (body as { instructions: Verb[] }).instructions;
}
