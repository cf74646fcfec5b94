import { openapiDocument as bundled, type OperationId, operationIds } from './contract.js';

export interface OperationInfo {
  id: OperationId;
  method: string;
  path: string;
  /** Scopes from the operation's bearerAuth requirement; null when it needs no key. */
  scopes: string[] | null;
  /** `x-costs-money`: refused while the account is suspended (terms 7.2). */
  costsMoney: boolean;
  /** `x-when-terminated: allowed`: still answered after termination (exports, invoices, terms 13.3). */
  allowedWhenTerminated: boolean;
  /** Whether the operation takes a request body; one that does not refuses any (`body_not_allowed`). */
  hasBody: boolean;
  /**
   * The one 2xx status the spec gives the operation (201 for creates): a handler's returned body is
   * sent with it. Undefined for a WebSocket upgrade (101), which the handler never answers with a body.
   */
  successStatus: number | undefined;
}

type SpecOperation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  'x-costs-money'?: boolean;
  'x-when-terminated'?: string;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};

/** The spec as served at /openapi.json; the one contract. */
export const openapiDocument = bundled as unknown as {
  paths: Record<string, Record<string, SpecOperation>>;
  security?: Record<string, string[]>[];
} & Record<string, unknown>;

/** Reads each operation's security requirement from the spec, so auth follows the contract. */
export function operationTable(): Map<OperationId, OperationInfo> {
  const out = new Map<OperationId, OperationInfo>();
  for (const [path, item] of Object.entries(openapiDocument.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      const security = op.security ?? openapiDocument.security ?? [];
      const id = op.operationId as OperationId;
      out.set(id, {
        id,
        method: method.toUpperCase(),
        path,
        scopes: security.length === 0 ? null : security.flatMap((s) => Object.values(s).flat()),
        costsMoney: op['x-costs-money'] === true,
        allowedWhenTerminated: op['x-when-terminated'] === 'allowed',
        hasBody: op.requestBody !== undefined,
        successStatus: successStatus(op),
      });
    }
  }
  return out;
}

function successStatus(op: SpecOperation): number | undefined {
  const codes = Object.keys(op.responses ?? {}).filter((c) => /^2\d\d$/.test(c));
  if (codes.length > 1) throw new Error(`operation ${op.operationId} has several 2xx responses (${codes.join(', ')}): a handler could not tell which to send`);
  return codes[0] === undefined ? undefined : Number(codes[0]);
}

export { operationIds, type OperationId };
