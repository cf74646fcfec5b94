#!/usr/bin/env node
// Process entry: start from the environment, print the operator key once, stop cleanly on signals.
import { startServer } from './server.js';

// One Ctrl+C can arrive twice: the terminal sends SIGINT to the whole process group, and a runner in
// that group (pnpm) forwards it to its child as well, a millisecond later. A repeat within this window
// is that same press; a later one is someone pressing again to stop at once.
const REPEAT_WINDOW_MS = 1_000;
let stopRequestedAt: number | undefined;
let requestStop = (): void => {};

// The handlers are installed before the server starts: /v1/health answers as soon as the API listens,
// while SIP and the node lease are still starting, and a Ctrl+C in that window used to meet Node's
// default handler (killed mid-start, no "Prolope stopped."). A signal then waits for the start to end
// and closes what it opened.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopRequestedAt !== undefined) {
      if (performance.now() - stopRequestedAt < REPEAT_WINDOW_MS) return;
      process.exit(1);
    }
    stopRequestedAt = performance.now();
    requestStop();
  });
}

const server = await startServer().catch((err: unknown) => {
  console.error(`prolope: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

requestStop = () => {
  server.close().then(
    () => {
      process.stdout.write('  Prolope stopped.\n');
      process.exit(0);
    },
    (err: unknown) => {
      console.error(`prolope: could not close cleanly: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
};

if (server.createdOperatorKey) {
  process.stdout.write(
    `\n  Prolope created the platform operator's API key. It is shown only now; store it:\n\n    ${server.createdOperatorKey}\n\n  (Set PROLOPE_OPERATOR_KEY to choose it yourself.)\n\n`,
  );
}
if (server.stockedTestNumbers.length > 0) {
  const numbers = server.stockedTestNumbers;
  process.stdout.write(
    `  Development mode: stocked ${numbers.length} free test numbers to buy, ${numbers[0]} to ${numbers.at(-1)}\n  (NODE_ENV=production or PROLOPE_TEST_NUMBERS=off starts with an empty inventory).\n\n`,
  );
}
process.stdout.write(`  Prolope API on ${server.url}  (reference: ${server.url}/docs, store: ${server.store.kind})\n`);
if (server.sipPort !== undefined) {
  const { host, port } = server.sipAddress;
  // The public address is what PBXs need; it differs from the bound port behind NAT (PROLOPE_SIP_PUBLIC_*).
  process.stdout.write(`  SIP on udp/${server.sipPort}  (PBXs send to ${host}:${port ?? server.sipPort})\n`);
}

// A signal that came while starting is acted on now that there is a server to close.
if (stopRequestedAt !== undefined) requestStop();
