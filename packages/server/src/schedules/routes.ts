import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { defineHandlers } from '../http/typed-handlers.js';
import { createSchedule, deleteSchedule, scheduleStatus, updateSchedule } from './service.js';
import { findSchedule, listSchedules } from './store.js';
import { toSchedule } from './views.js';

export function scheduleRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'schedules.create': async (req) => await createSchedule(deps, authOf(req).accountId, req.body),
    'schedules.list': async (req) => {
      const q = req.query;
      const rows = await listSchedules(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toSchedule) };
    },
    'schedules.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findSchedule(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('schedule', id);
      return toSchedule(row);
    },
    'schedules.update': async (req) => await updateSchedule(deps, authOf(req).accountId, req.params.id, req.body),
    'schedules.delete': async (req) => await deleteSchedule(deps, authOf(req).accountId, req.params.id),
    'schedules.status': async (req) => await scheduleStatus(deps, authOf(req).accountId, req.params.id, req.query.at),
  });
}
