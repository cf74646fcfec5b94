import { connect } from 'nats';
import { strict } from './postgres.js';

/** The NATS server tests use; on these machines one runs at 127.0.0.1:4222. */
export const natsUrl = process.env.PROLOPE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

let reachable: Promise<boolean> | undefined;

/** Whether NATS answers; under PROLOPE_TEST_STRICT=1 a missing server fails the run instead. */
export function natsAvailable(): Promise<boolean> {
  reachable ??= (async () => {
    try {
      const nc = await connect({ servers: natsUrl, timeout: 3000, reconnect: false });
      await nc.close();
      return true;
    } catch (err) {
      if (strict()) throw new Error(`NATS is required (PROLOPE_TEST_STRICT=1) but ${natsUrl} does not answer: ${(err as Error).message}`);
      console.warn(
        `[prolope tests] skipping NATS runs: ${natsUrl} does not answer (${(err as Error).message}). Start nats-server or set PROLOPE_TEST_NATS_URL.`,
      );
      return false;
    }
  })();
  return reachable;
}
