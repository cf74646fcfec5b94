import { defineHandlers } from '../http/typed-handlers.js';
import type { FastifyRequest } from 'fastify';
import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { toRecording } from './recording.js';
import { deleteRecording, recordingMedia } from './service.js';
import { findRecording, listRecordings } from './store.js';

/** The API's public address: configured, else the one this request reached. */
export function publicBaseUrl(deps: Pick<Deps, 'publicUrl'>, req: FastifyRequest): string {
  return deps.publicUrl ?? `${req.protocol}://${req.host}`;
}

export function recordingRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'recordings.list': async (req) => {
      const q = req.query;
      const rows = await listRecordings(deps.db, authOf(req).accountId, q.call_id, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      const base = publicBaseUrl(deps, req);
      return { ...page, data: page.data.map((row) => toRecording(row, base)) };
    },
    'recordings.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findRecording(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('recording', id);
      return toRecording(row, publicBaseUrl(deps, req));
    },
    'recordings.media': async (req, reply) => {
      const { id } = req.params;
      const wav = await recordingMedia(deps, authOf(req).accountId, id);
      return reply.type('audio/wav').header('content-disposition', `attachment; filename="${id}.wav"`).send(wav);
    },
    'recordings.delete': async (req) => {
      const { id } = req.params;
      return deleteRecording(deps, authOf(req).accountId, id);
    },
  });
}
