// The server's one door to the generated contract (@prolope/contract, from openapi/): spec types,
// operation ids, error codes, request and verb defaults, webhook events and the bundled document.
// Server code imports them from here, never from the package or a generated file, so what the server
// takes from the spec is listed in one place.
import type { components } from '@prolope/contract/schema';

export type { components, operations, paths, webhooks } from '@prolope/contract/schema';
export { type OperationId, operationIds } from '@prolope/contract/operation-ids';
export { type ErrorCode, errorCodes } from '@prolope/contract/errors';
export { type EventMap, type EventType, eventTypes, type WebhookEvent } from '@prolope/contract/events';
export { type RequestDefaults, requestDefaults } from '@prolope/contract/request-defaults';
export { verbDefaults } from '@prolope/contract/verb-defaults';
export { operationParameterDefaults, parameterDefaults, schemaDefaults } from '@prolope/contract/schema-defaults';
/** The bundled spec as generated (openapi/ with every $ref inside one document). */
export { default as openapiDocument } from '@prolope/contract/openapi.json' with { type: 'json' };

/** A component schema by name: `Schema<'Account'>` is the API's account. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
