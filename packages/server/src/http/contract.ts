// The one door from the server to the generated contract: every server import of generated types
// and of the bundled spec goes through this file, so moving the generated code (to a contract
// package) repoints one file.
import spec from '../generated/openapi.json' with { type: 'json' };

export type { components, operations, paths, webhooks } from '../generated/schema.js';
export { operationIds, type OperationId } from '../generated/operation-ids.js';
export { type RequestDefaults, requestDefaults } from '../generated/request-defaults.js';
export { verbDefaults } from '../generated/verb-defaults.js';
export { type EventMap, type EventType, eventTypes } from '../generated/events.js';

/** The bundled OpenAPI document as generated (served at /openapi.json). */
export const bundledSpec: unknown = spec;

/** A component schema by name: `Schema<'Account'>` is the API's account. */
export type Schema<Name extends keyof import('../generated/schema.js').components['schemas']> = import('../generated/schema.js').components['schemas'][Name];
