import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { openNatsTransport } from './nats-transport.js';
import { openPgTransport } from './pg-transport.js';
import type { ControlTransport } from './transport.js';

/** PROLOPE_NODE_ID, else a name unique to this start (host name, then random), fit for a channel and a subject. */
export function resolveNodeId(configured: string | undefined): string {
  if (configured) return configured;
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 30);
  return `${host}-${randomBytes(4).toString('hex')}`;
}

/** NATS when NATS_URL is set, else PostgreSQL LISTEN/NOTIFY on the server's own database. */
export function openTransport(
  opts: { databaseUrl: string; natsUrl: string | undefined },
  nodeId: string,
  log?: { warn(obj: object, msg: string): void },
): Promise<ControlTransport> {
  return opts.natsUrl ? openNatsTransport(opts.natsUrl, nodeId, log) : openPgTransport(opts.databaseUrl, nodeId, log);
}
