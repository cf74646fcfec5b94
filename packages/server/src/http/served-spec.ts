import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface ServerEntry {
  url: string;
  description: string;
}

// A Host header is client input: only a plain host[:port] (or [v6]:port) may become a URL in the spec.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The origin a request reached this server at (`http://127.0.0.1:3000`), or undefined for a missing or odd Host. */
export function requestOrigin(req: FastifyRequest): string | undefined {
  const host = req.host;
  return host && HOST.test(host) ? `${req.protocol}://${host}` : undefined;
}

/**
 * The `servers` list served with the spec: PROLOPE_PUBLIC_URL first when set (the address clients
 * should use), then this server as the request reached it, else where it listens. The file in
 * openapi/ names a fixed localhost:3000 for generators; served, the spec names the server you read it from.
 */
export function servedServers(publicUrl: string | undefined, reached: string | undefined, listening: string | undefined): ServerEntry[] {
  const out: ServerEntry[] = [];
  const base = publicUrl?.replace(/\/+$/, '');
  if (base) out.push({ url: base, description: 'Public address (PROLOPE_PUBLIC_URL)' });
  const own = reached ?? listening;
  if (own && own !== base) out.push({ url: own, description: reached ? 'This server, as you reached it' : 'This server' });
  return out;
}

/**
 * Serializes the 400 KB document once, leaving a mark where `servers` goes, so each request costs one
 * string splice instead of a clone and a JSON.stringify.
 */
export function servedSpec(doc: Record<string, unknown>, extra: Record<string, unknown> = {}): (servers: ServerEntry[]) => string {
  const { openapi, info, servers: _inFile, ...rest } = doc;
  // A fresh mark cannot occur anywhere else in the document.
  const mark = `__servers_${randomUUID()}__`;
  // Key order kept as in the file: openapi, info, servers, then the rest.
  const text = JSON.stringify({ openapi, info: { ...(info as object), ...extra }, servers: mark, ...rest });
  const at = text.indexOf(`"${mark}"`);
  const head = text.slice(0, at);
  const tail = text.slice(at + mark.length + 2);
  return (servers) => head + JSON.stringify(servers) + tail;
}

/** Where the app listens (`http://127.0.0.1:3000`), or undefined before it does. */
export function listeningOrigin(app: FastifyInstance): string | undefined {
  return app.server.listening ? app.listeningOrigin.replace('[::1]', 'localhost') : undefined;
}
