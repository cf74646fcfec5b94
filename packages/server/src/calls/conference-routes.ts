import type { Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { defineHandlers } from '../http/typed-handlers.js';
import type { CallDeps } from './call-deps.js';
import type { RoomView } from './conference-rooms.js';

const toConference = (room: RoomView) => ({ object: 'conference' as const, ...room });

/** `GET /v1/conferences[/{id}]`: this process's rooms of the caller's account (rooms are not stored). */
export function conferenceRoutes(deps: CallDeps): Handlers {
  return defineHandlers({
    'conferences.list': async (req) => {
      const rooms = deps.conferences?.list(authOf(req).accountId) ?? [];
      return { object: 'list' as const, has_more: false, next_cursor: null, data: rooms.map(toConference) };
    },
    'conferences.retrieve': async (req) => {
      const { id } = req.params;
      const room = deps.conferences?.find(authOf(req).accountId, id);
      if (!room) throw notFound('conference', id);
      return toConference(room);
    },
  });
}
