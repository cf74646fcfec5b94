#!/usr/bin/env node
// Process entry: start from the environment, print the operator key once, stop cleanly on signals.
import { startServer } from './server.js';

const server = await startServer().catch((err: unknown) => {
  console.error(`prolope: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

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

// One Ctrl+C can arrive twice: the terminal sends SIGINT to the whole process group, and a runner in
// that group (pnpm) forwards it to its child as well, a millisecond later. A repeat within this window
// is that same press; a later one is someone pressing again to stop at once.
const REPEAT_WINDOW_MS = 1_000;
let closingSince: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closingSince !== undefined) {
      if (performance.now() - closingSince < REPEAT_WINDOW_MS) return;
      process.exit(1);
    }
    closingSince = performance.now();
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
  });
}
