import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsAvailable, natsUrl as NATS_URL } from '../../test/nats.js';
import { createDatabase, postgresAvailable } from '../../test/postgres.js';
import { openNatsTransport } from './nats-transport.js';
import { openPgTransport } from './pg-transport.js';
import { type ControlTransport, NodeUnreachable } from './transport.js';

const pgUp = await postgresAvailable();
/** The transports to test: NATS only where it answers (always in CI, PROLOPE_TEST_STRICT=1). */
const transports = (await natsAvailable()) ? (['postgres', 'nats'] as const) : (['postgres'] as const);

/**
 * Both transports on their real engines: a request reaches the node it names and comes back with that
 * node's answer, whatever its size (PostgreSQL NOTIFY stops at 8000 bytes, so long ones go in chunks),
 * and a request to a node nobody serves is refused (NATS at once, PostgreSQL at the timeout).
 */
describe.skipIf(!pgUp).each(transports)('%s transport', (kind) => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let one: ControlTransport;
  let two: ControlTransport;
  const open = (node: string) => (kind === 'nats' ? openNatsTransport(NATS_URL, node) : openPgTransport(db.url, node));

  beforeAll(async () => {
    db = await createDatabase();
    one = await open(`one-${process.pid}`);
    two = await open(`two-${process.pid}`);
    await two.serve(async (payload) => `two heard ${payload.length}: ${payload.slice(0, 5)}…${payload.slice(-5)}`);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('carries a request to the node it names and its answer back, long ones too', async () => {
    expect(await one.request(`two-${process.pid}`, 'hello there', 5_000)).toBe('two heard 11: hello…there');
    const long = `start${'x'.repeat(20_000)}final`;
    expect(await one.request(`two-${process.pid}`, long, 5_000)).toBe('two heard 20010: start…final');
    const many = await Promise.all([1, 2, 3].map((n) => one.request(`two-${process.pid}`, `${n}`.repeat(9_000 * n), 5_000)));
    expect(many).toEqual(['two heard 9000: 11111…11111', 'two heard 18000: 22222…22222', 'two heard 27000: 33333…33333']);
  });

  it('refuses a request to a node nobody serves', async () => {
    const err = await one.request(`nobody-${process.pid}`, 'anyone?', 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeUnreachable);
    expect((err as Error).message).toMatch(kind === 'nats' ? /no responders/ : /no answer within 300 ms/);
  });
});
