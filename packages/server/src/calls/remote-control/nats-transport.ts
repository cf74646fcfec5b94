import { connect, type NatsError } from 'nats';
import { type ControlTransport, NodeUnreachable } from './transport.js';

interface Log {
  warn(obj: object, msg: string): void;
}

/** The subject a node answers live actions on. */
export const subjectOf = (node: string): string => `prolope.node.${node}.actions`;

/**
 * Live actions over NATS request/reply (NATS_URL): the holder answers on its node's subject. A node
 * with no subscriber makes NATS answer "no responders" at once, so an action on a call whose holder
 * has stopped is refused without waiting for the timeout. The client reconnects on its own.
 */
export async function openNatsTransport(url: string, self: string, log?: Log): Promise<ControlTransport> {
  const nc = await connect({ servers: url.split(','), name: `prolope-${self}`, maxReconnectAttempts: -1 });
  return {
    kind: 'nats',
    async serve(handle) {
      nc.subscribe(subjectOf(self), {
        callback: (err, msg) => {
          if (err) return log?.warn({ err }, 'remote control: the NATS subscription failed');
          handle(msg.string())
            .then((answer) => msg.respond(answer))
            .catch((e: unknown) => log?.warn({ err: e }, 'remote control: a forwarded action failed here'));
        },
      });
      // subscribe() only queues the SUB; until the server has it, a request from another connection
      // gets "no responders". A round trip (PING/PONG after the SUB) makes serve() mean "reachable now".
      await nc.flush();
    },
    async request(to, payload, timeoutMs) {
      try {
        return (await nc.request(subjectOf(to), payload, { timeout: timeoutMs })).string();
      } catch (err) {
        const code = (err as NatsError).code;
        throw new NodeUnreachable(to, code === '503' ? 'nothing listens for it (NATS: no responders)' : `${(err as Error).message}`);
      }
    },
    async close() {
      await nc.drain().catch(() => nc.close());
    },
  };
}
