// The webhook receiver for bench/webhooks, in a process of its own so that its receipt times are not
// delayed by the load generator. It verifies every delivery with the official `standardwebhooks`
// package, answers 200 at once, and notes the event id, the event's created_at and when the body had
// fully arrived (same machine clock as the server's).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

// A dev dependency of @prolope/webhooks; the bench checks signatures with the reference implementation.
const { Webhook } = createRequire(new URL('../../packages/webhooks/package.json', import.meta.url))('standardwebhooks');

let verifier;
let receipts = [];
let unverified = 0;
let waiting;
const seen = new Set();

const now = () => performance.timeOrigin + performance.now();

function check() {
  if (waiting && seen.size >= waiting.count) {
    clearTimeout(waiting.timer);
    waiting = undefined;
    process.send?.({ done: true, distinct: seen.size });
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (d) => chunks.push(d));
  req.on('end', () => {
    const at = now();
    const body = Buffer.concat(chunks).toString('utf8');
    const id = String(req.headers['webhook-id'] ?? '');
    try {
      verifier.verify(body, {
        'webhook-id': id,
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      });
    } catch {
      unverified++;
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200).end();
    receipts.push([id, Date.parse(JSON.parse(body).created_at), at]);
    seen.add(id);
    check();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${server.address().port}/hooks` }));

process.on('message', (m) => {
  if (m.type === 'secret') {
    verifier = new Webhook(m.secret);
    process.send?.({ ok: true });
  } else if (m.type === 'reset') {
    receipts = [];
    unverified = 0;
    seen.clear();
    process.send?.({ ok: true });
  } else if (m.type === 'wait') {
    const timer = setTimeout(() => {
      waiting = undefined;
      process.send?.({ done: false, distinct: seen.size });
    }, m.timeoutMs);
    waiting = { count: m.count, timer };
    check();
  } else if (m.type === 'report') {
    process.send?.({ receipts, unverified });
  } else if (m.type === 'exit') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
