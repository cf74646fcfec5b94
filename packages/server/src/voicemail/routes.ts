import type { FastifyRequest } from 'fastify';
import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { defineHandlers } from '../http/typed-handlers.js';
import { boxOf, createBox, deleteBox, deleteMessage, markHeard, messageMedia, messageOf, updateBox } from './service.js';
import { listBoxes, listMessages } from './store.js';
import { toVoicemailBox, toVoicemailMessage } from './views.js';

/** The API's public address: configured, else the one this request reached. */
function baseUrl(deps: Pick<Deps, 'publicUrl'>, req: FastifyRequest): string {
  return deps.publicUrl ?? `${req.protocol}://${req.host}`;
}

export function voicemailRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'voicemailBoxes.create': async (req) => await createBox(deps, authOf(req).accountId, req.body),
    'voicemailBoxes.list': async (req) => {
      const q = req.query;
      const rows = await listBoxes(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toVoicemailBox) };
    },
    'voicemailBoxes.retrieve': async (req) => toVoicemailBox(await boxOf(deps, authOf(req).accountId, req.params.id)),
    'voicemailBoxes.update': async (req) => await updateBox(deps, authOf(req).accountId, req.params.id, req.body),
    'voicemailBoxes.delete': async (req) => await deleteBox(deps, authOf(req).accountId, req.params.id),
    'voicemailBoxes.messages': async (req) => {
      const q = req.query;
      const accountId = authOf(req).accountId;
      const box = await boxOf(deps, accountId, req.params.id);
      const rows = await listMessages(deps.db, accountId, box.id, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      const base = baseUrl(deps, req);
      return { ...page, data: page.data.map((row) => toVoicemailMessage(row, base)) };
    },
    'voicemailBoxes.retrieveMessage': async (req) => {
      const { id, message_id } = req.params;
      return toVoicemailMessage(await messageOf(deps, authOf(req).accountId, id, message_id), baseUrl(deps, req));
    },
    'voicemailBoxes.updateMessage': async (req) => {
      const { id, message_id } = req.params;
      return toVoicemailMessage(await markHeard(deps, authOf(req).accountId, id, message_id, req.body.heard), baseUrl(deps, req));
    },
    'voicemailBoxes.deleteMessage': async (req) => await deleteMessage(deps, authOf(req).accountId, req.params.id, req.params.message_id),
    'voicemailBoxes.messageMedia': async (req, reply) => {
      const { id, message_id } = req.params;
      const wav = await messageMedia(deps, authOf(req).accountId, id, message_id);
      return reply.type('audio/wav').header('content-disposition', `attachment; filename="${message_id}.wav"`).send(wav);
    },
  });
}
