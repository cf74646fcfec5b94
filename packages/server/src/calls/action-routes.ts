import type { FastifyRequest } from 'fastify';
import type { Deps, Handlers } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { authOf } from '../http/auth.js';
import { type CallController, activeCalls } from './active-calls.js';
import { toCall } from './call.js';
import { type CallRow, findCall } from './store.js';

/** The call of the request's account (404 otherwise) and its controller (409 when it is not in progress here). */
async function activeCall(deps: Deps, req: FastifyRequest): Promise<{ row: CallRow; controller: CallController }> {
  const { id } = req.params as { id: string };
  const accountId = authOf(req).accountId;
  const row = await findCall(deps.db, accountId, id);
  if (!row) throw notFound('call', id);
  const controller = row.status === 'in_progress' ? activeCalls.get(id) : undefined;
  if (!controller) {
    throw new ProblemError(
      'call_not_active',
      `Call ${id} is ${row.status.replace('_', ' ')}, not in progress: only an answered call that has not ended can be controlled.`,
    );
  }
  return { row, controller };
}

/** The call as it stands after the action. */
async function current(deps: Deps, row: CallRow) {
  return toCall((await findCall(deps.db, row.account_id, row.id)) ?? row);
}

/** `POST /v1/calls/{id}/actions/*`: live control of a call in progress (see active-calls.ts for its limits). */
export function callActionRoutes(deps: Deps): Handlers {
  return {
    'calls.hangup': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      await controller.hangup();
      return current(deps, row);
    },
    'calls.say': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      const body = req.body as { text: string; language?: string };
      controller.replaceVerbs([{ verb: 'say', text: body.text, ...(body.language ? { language: body.language } : {}) }]);
      return current(deps, row);
    },
    'calls.play': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      controller.replaceVerbs([{ verb: 'play', url: (req.body as { url: string }).url }]);
      return current(deps, row);
    },
    'calls.recordStart': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      controller.startRecording();
      return current(deps, row);
    },
    'calls.recordStop': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      await controller.stopRecording();
      return current(deps, row);
    },
  };
}
