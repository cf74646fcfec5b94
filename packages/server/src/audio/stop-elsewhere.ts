import type { FastifyRequest } from 'fastify';
import type { CallDeps } from '../calls/call-deps.js';
import { liveNodes } from '../calls/remote-control/node-lease-store.js';

/**
 * With several server processes sharing PostgreSQL, calls playing a prompt may be carried by any of
 * them, and each stops only the playbacks it holds. So the process that took the prompt down sends the
 * same request to every other live process (sealed, over the remote-control transport, as live call
 * actions travel); there the prompt is already taken down, so the takedown only stops that process's
 * playbacks, and a forwarded request is never sent on again. A process that does not answer is logged:
 * its calls stop the prompt at their next play, which reads the status.
 */
export async function stopOnOtherNodes(deps: CallDeps, req: FastifyRequest, audioId: string, log: { warn(obj: object, msg: string): void }): Promise<void> {
  const remote = deps.remoteControl;
  if (!remote || remote.isForwarded(req)) return;
  const nodes = await liveNodes(deps.db, remote.nodeId, deps.clock.now());
  const request = { method: req.method, url: req.url, authorization: req.headers.authorization ?? '', ...(req.body !== undefined ? { body: req.body } : {}) };
  await Promise.all(
    nodes.map(async (node) => {
      try {
        const answer = await remote.forward(node.id, audioId, request);
        if (answer.status >= 300) log.warn({ node: node.id, status: answer.status }, 'audio: another process refused the takedown');
      } catch (err) {
        log.warn({ err, node: node.id }, 'audio: could not reach another process to stop its playbacks of a taken-down prompt');
      }
    }),
  );
}
