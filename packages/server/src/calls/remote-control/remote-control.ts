import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';
import { ProblemError } from '../../errors.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { Db } from '../../store/db.js';
import { type ForwardedAnswer, openAnswer, sealRequest } from './envelope.js';
import { holderExecutor } from './holder-executor.js';
import { findNode, leaseHolds } from './node-lease-store.js';
import { type ControlTransport, NodeUnreachable } from './transport.js';

/** Marks a request the holder executor replays here, so it is run and never forwarded again. */
export const FORWARDED_HEADER = 'prolope-forwarded';
/** How long a holder has to answer; a live action is quick (it only starts what it asks for). */
const FORWARD_TIMEOUT_MS = 5_000;

/** One live action as it reached this node. */
export interface ActionRequest {
  method: string;
  url: string;
  authorization: string;
  body?: unknown;
}

/** Live control of calls held by other server processes sharing PostgreSQL. */
export interface RemoteControl {
  readonly nodeId: string;
  readonly transport: ControlTransport;
  /** Sends the action to the holder and resolves with its HTTP answer; 409 `call_not_active` when the holder is gone. */
  forward(holder: string, callId: string, req: ActionRequest): Promise<ForwardedAnswer>;
  /** Whether the request is one this process's executor replays (it came from another node). */
  isForwarded(req: FastifyRequest): boolean;
  /** Answers the actions other nodes send here by running them on this app, as if they had arrived here. */
  serve(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

export interface RemoteControlDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  log?: { warn(obj: object, msg: string): void } | undefined;
}

export function remoteControl(deps: RemoteControlDeps, nodeId: string, transport: ControlTransport, opts: { timeoutMs?: number } = {}): RemoteControl {
  // Random per process: a client sending the header itself gains nothing (it is not this value).
  const token = randomBytes(16).toString('hex');
  const timeoutMs = opts.timeoutMs ?? FORWARD_TIMEOUT_MS;

  function gone(callId: string, holder: string, why: string): ProblemError {
    return new ProblemError(
      'call_not_active',
      `Call ${callId} is held by server process ${holder}, which ${why}: it cannot be controlled, and it will be marked failed once that process's lease runs out.`,
    );
  }

  return {
    nodeId,
    transport,
    async forward(holder, callId, req) {
      const node = await findNode(deps.db, holder);
      if (!leaseHolds(node, deps.clock.now())) throw gone(callId, holder, node ? `stopped (its lease ran out at ${node.lease_until})` : 'has stopped');
      const rid = randomBytes(12).toString('hex');
      const sealed = sealRequest(deps.secrets, { rid, from: nodeId, to: holder, sentAt: deps.clock.now().getTime(), ...req });
      try {
        return openAnswer(deps.secrets, rid, await transport.request(holder, sealed, timeoutMs));
      } catch (err) {
        if (err instanceof NodeUnreachable) throw gone(callId, holder, `did not answer (${err.message})`);
        throw err;
      }
    },
    isForwarded: (req) => req.headers[FORWARDED_HEADER] === token,
    serve: (app) => transport.serve(holderExecutor({ app, secrets: deps.secrets, clock: deps.clock, log: deps.log }, nodeId, { [FORWARDED_HEADER]: token })),
    close: () => transport.close(),
  };
}
