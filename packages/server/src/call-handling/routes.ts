import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { defineHandlers } from '../http/typed-handlers.js';
import { callHandlingOf, setCallHandling } from './service.js';

export function callHandlingRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'sipUsers.callHandling': async (req) => await callHandlingOf(deps, authOf(req).accountId, req.params.id),
    'sipUsers.setCallHandling': async (req) => await setCallHandling(deps, authOf(req).accountId, req.params.id, req.body),
  });
}
