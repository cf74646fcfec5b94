#!/usr/bin/env node
// CI's first step: runs the README's first command exactly as written (the first line of the first
// shell block under "## Two commands"), in this fresh clone, as a newcomer would. It waits until
// /v1/health answers, presses Ctrl+C the way a terminal does (SIGINT to the whole process group),
// and fails unless the command exits 0 without printing a warning, an error or a failed-command line.
//
// Node spawns the command: libuv resets signal dispositions in the child, so SIGINT reaches it even
// though a non-interactive shell would have started a background job with SIGINT ignored.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.split(/^## /m).find((s) => s.startsWith('Two commands'));
const block = section && /```sh\n([\s\S]*?)```/.exec(section)?.[1];
const command = block
  ?.split('\n')
  .map((line) => line.trim())
  .find((line) => line !== '' && !line.startsWith('#'));
if (!command) {
  console.error('README.md has no "## Two commands" section with a sh block: nothing to run.');
  process.exit(1);
}

const healthUrl = `http://127.0.0.1:${process.env.PROLOPE_PORT || 3000}/v1/health`;
const deadlineMs = Number(process.env.FIRST_COMMAND_TIMEOUT_S || 300) * 1000;
const started = Date.now();
console.log(`$ ${command}`);

const child = spawn('bash', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
}
// 'close', not 'exit': it comes once every process holding the output pipes has ended, the server too.
const exited = new Promise((done) => child.on('close', (code, signal) => done({ code, signal })));

async function healthy() {
  try {
    const res = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

let up = false;
let ended;
while (!up && Date.now() - started < deadlineMs) {
  ended = await Promise.race([exited, new Promise((done) => setTimeout(done, 250))]);
  if (ended) break;
  up = await healthy();
}
const upAfter = (Date.now() - started) / 1000;

const failures = [];
if (!up) {
  failures.push(ended ? `the command ended (${JSON.stringify(ended)}) before ${healthUrl} answered` : `${healthUrl} did not answer within ${deadlineMs / 1000} s`);
  if (!ended) process.kill(-child.pid, 'SIGKILL');
} else {
  console.log(`\n[first command] ${healthUrl} answered 200 after ${upAfter.toFixed(1)} s; pressing Ctrl+C (SIGINT to the process group)`);
  process.kill(-child.pid, 'SIGINT');
  const interruptedAt = Date.now();
  // unref: a pending timer would keep this script alive for the rest of the 30 s.
  const stop = await Promise.race([exited, new Promise((done) => setTimeout(() => done(null), 30_000).unref())]);
  console.log(`[first command] ended ${((Date.now() - interruptedAt) / 1000).toFixed(1)} s after Ctrl+C: ${JSON.stringify(stop)}`);
  if (!stop) {
    failures.push('still running 30 s after SIGINT');
    process.kill(-child.pid, 'SIGKILL');
  } else {
    // npx runs pnpm through its own `sh -c`, which dies of the SIGINT like any foreground program on
    // Ctrl+C (the shell shows 130); that layer is npm's. What is ours: the server closes and says so,
    // and nothing between reports a failure.
    const interrupted = stop.code === 0 || stop.code === 130 || stop.signal === 'SIGINT';
    if (!interrupted) failures.push(`ended with ${JSON.stringify(stop)} after SIGINT`);
    if (!output.includes('Prolope stopped.')) failures.push('the server did not say "Prolope stopped." (it did not close cleanly)');
  }
}

// What a newcomer would read as something gone wrong: pino warnings and errors (level 40+), pnpm's
// failed-lifecycle line, TypeScript or build errors.
const alarming = output
  .split('\n')
  .filter((line) => /"level":(4|5|6)\d\b|ELIFECYCLE|Command failed|\berror TS\d+|Build error|\bWARN\b|Warning:/i.test(line));
for (const line of alarming) failures.push(`printed: ${line.trim().slice(0, 300)}`);

if (failures.length > 0) {
  console.error(`\n[first command] FAILED:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`[first command] ok: up in ${upAfter.toFixed(1)} s, clean exit on Ctrl+C, nothing alarming printed`);
