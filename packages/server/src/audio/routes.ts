import type { CallDeps } from '../calls/call-deps.js';
import type { Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { safeFetch } from '../http/safe-fetch.js';
import { defineHandlers } from '../http/typed-handlers.js';
import { publicBaseUrl } from '../recordings/routes.js';
import { getHoldMusic, setHoldMusic } from './hold-music.js';
import { type AudioDeps, audioMedia, createAudio, deleteAudio, takeDownAudio } from './service.js';
import { stopOnOtherNodes } from './stop-elsewhere.js';
import { findAudio, listAudio } from './store.js';
import { toAudio } from './view.js';

/** `/v1/audio` and `/v1/hold-music`; the takedown is operator-only (the spec's `operator` scope). */
export function audioRoutes(deps: CallDeps): Handlers {
  // Upload URLs are the customer's: fetched under the webhook SSRF rules, through one connection pool.
  const audioDeps: AudioDeps = { ...deps, playbacks: deps.promptPlaybacks, fetch: safeFetch(deps.webhookPolicy) };
  return defineHandlers({
    'audio.create': async (req) => await createAudio(audioDeps, authOf(req), req.body, publicBaseUrl(deps, req)),
    'audio.list': async (req) => {
      const q = req.query;
      const page = pageOf(await listAudio(deps.db, authOf(req).accountId, limitOf(q), q.starting_after), limitOf(q));
      const base = publicBaseUrl(deps, req);
      return { ...page, data: page.data.map((row) => toAudio(row, base)) };
    },
    'audio.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findAudio(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('audio prompt', id);
      return toAudio(row, publicBaseUrl(deps, req));
    },
    'audio.delete': async (req) => await deleteAudio(audioDeps, authOf(req).accountId, req.params.id, publicBaseUrl(deps, req)),
    'audio.media': async (req, reply) => {
      const { id } = req.params;
      const wav = await audioMedia(deps, authOf(req).accountId, id);
      return reply.type('audio/wav').header('content-disposition', `attachment; filename="${id}.wav"`).send(wav);
    },
    'audio.takeDown': async (req) => {
      const audio = await takeDownAudio(audioDeps, req.params.id, req.body.reason, publicBaseUrl(deps, req));
      await stopOnOtherNodes(deps, req, req.params.id, req.log);
      return audio;
    },
    'holdMusic.retrieve': async (req) => await getHoldMusic(deps, authOf(req).accountId),
    'holdMusic.update': async (req) => await setHoldMusic(deps, authOf(req).accountId, req.body.audio_id),
  });
}
