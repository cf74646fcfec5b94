import type { Deps, Handlers } from '../deps.js';
import { defineHandlers, type ReqWithId } from '../http/typed-handlers.js';
import type { CallDeps } from './call-deps.js';
import { forwardingToHolder, type LiveActionHandler } from './remote-control/index.js';
import { notFound, ProblemError } from '../errors.js';
import { authOf } from '../http/auth.js';
import type { CallController } from './active-calls.js';
import { toCall } from './call.js';
import { toE164 } from '../contacts/phone.js';
import { assignedNumber } from '../numbers/service.js';
import { type CallRow, findCall } from './store.js';

/** The call of the request's account (404 otherwise) and its controller (409 when it is not in progress here). */
async function activeCall(deps: CallDeps, req: ReqWithId): Promise<{ row: CallRow; controller: CallController }> {
  const { id } = req.params;
  const accountId = authOf(req).accountId;
  const row = await findCall(deps.db, accountId, id);
  if (!row) throw notFound('call', id);
  const controller = row.status === 'in_progress' ? deps.activeCalls.get(id) : undefined;
  if (!controller) {
    throw new ProblemError(
      'call_not_active',
      `Call ${id} is ${row.status.replace('_', ' ')}, not in progress: only an answered call that has not ended can be controlled.`,
    );
  }
  return { row, controller };
}

/** Hangs up an outbound call that has not been answered yet (CANCEL); undefined for any other call. */
async function ringingOutbound(deps: CallDeps, req: ReqWithId) {
  const { id } = req.params;
  const row = await findCall(deps.db, authOf(req).accountId, id);
  if (row?.direction !== 'outbound' || (row.status !== 'queued' && row.status !== 'ringing')) return undefined;
  if (!(await deps.outbound?.hangup(row.id))) return undefined;
  return current(deps, row);
}

function noRecording(id: string): ProblemError {
  return new ProblemError(
    'recording_not_active',
    `Call ${id} has no recording started with record/start: start one first (a record verb's recording cannot be paused).`,
  );
}

async function checkCallerId(deps: Deps, accountId: string, callerId: string): Promise<void> {
  const e164 = toE164(callerId, '/body/caller_id');
  const number = await assignedNumber(deps, e164);
  if (!number || number.account_id !== accountId) {
    throw new ProblemError('caller_id_not_owned', `${e164} is not a number this account holds, so the transferred leg may not show it (terms 5.3).`, {
      param: '/body/caller_id',
    });
  }
}

/** The call as it stands after the action. */
async function current(deps: Deps, row: CallRow) {
  return toCall((await findCall(deps.db, row.account_id, row.id)) ?? row);
}

/** `POST /v1/calls/{id}/actions/*`: live control of a call in progress (see active-calls.ts for its limits). */
export function callActionRoutes(deps: CallDeps): Handlers {
  const handlers = defineHandlers({
    'calls.hangup': async (req) => {
      // An outbound call still ringing has no session yet: hanging it up CANCELs the INVITE.
      const ringing = await ringingOutbound(deps, req);
      if (ringing) return ringing;
      const { row, controller } = await activeCall(deps, req);
      await controller.hangup();
      return current(deps, row);
    },
    'calls.say': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      const body = req.body;
      controller.replaceVerbs([{ verb: 'say', text: body.text, ...(body.language ? { language: body.language } : {}), ...(body.voice ? { voice: body.voice } : {}) }]);
      return current(deps, row);
    },
    'calls.play': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      const { url, audio_id } = req.body;
      controller.replaceVerbs([url !== undefined ? { verb: 'play', url } : { verb: 'play', audio_id: audio_id as string }]);
      return current(deps, row);
    },
    'calls.recordStart': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      controller.startRecording(req.body?.channels === 'dual' ? 2 : 1);
      return current(deps, row);
    },
    'calls.recordStop': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      await controller.stopRecording();
      return current(deps, row);
    },
    'calls.recordPause': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      if (!controller.pauseRecording(true)) throw noRecording(row.id);
      return current(deps, row);
    },
    'calls.recordResume': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      if (!controller.pauseRecording(false)) throw noRecording(row.id);
      return current(deps, row);
    },
    'calls.gather': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      controller.replaceVerbs([{ verb: 'gather', ...req.body }]);
      return current(deps, row);
    },
    'calls.transfer': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      const body = req.body;
      // Checked now, so a caller ID the account does not hold is a 422 here rather than a failed leg later.
      if (body.caller_id !== undefined) await checkCallerId(deps, row.account_id, body.caller_id);
      controller.replaceVerbs([{ verb: 'dial', ...body }]);
      return current(deps, row);
    },
    'calls.mute': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      controller.setMuted(true);
      return current(deps, row);
    },
    'calls.unmute': async (req) => {
      const { row, controller } = await activeCall(deps, req);
      controller.setMuted(false);
      return current(deps, row);
    },
  });
  // Every live action may land on a process that does not carry the call: forward it to the one that does.
  // The wrapper works below the typed layer (it relays another process's raw answer), hence the casts of handlers.
  return Object.fromEntries(
    Object.entries(handlers).map(([id, handler]) => [id, forwardingToHolder(deps, handler as unknown as LiveActionHandler)]),
  ) as Handlers;
}
