import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Refuses a connection beyond `max` open ones from the same address, before Node reads a byte of it:
 * without a cap one address can hold every socket the process has with slow requests (slow-loris);
 * the header and request timeouts bound how long each is held, the cap how many. Node has a
 * server-wide `maxConnections` only, and per-address caps are usually left to a proxy, hence this
 * small counter. The address is the socket's peer: behind a proxy it is the proxy, so raise the cap
 * there or set it to 0 (none). The refused client gets a 429 problem+json with Retry-After.
 */
export function capConnectionsPerIp(server: Server, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  // Node's own listener (set up by http.Server) parses requests; a refused socket must never reach it,
  // or a request on it could still run. So the cap wraps it rather than running beside it.
  const nodeListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      refuse(socket, max);
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    for (const listener of nodeListeners) listener.call(server, socket);
  });
}

// How long a refused client gets to read the answer before its socket is cut.
const REFUSED_LINGER_MS = 1_000;

function refuse(socket: Socket, max: number): void {
  const body = JSON.stringify({
    type: 'https://docs.prolope.dev/errors#rate_limited',
    title: 'Too many requests',
    status: 429,
    code: 'rate_limited',
    detail: `More than ${max} connections are open from this address (PROLOPE_MAX_CONNECTIONS_PER_IP). Close idle ones, or reuse one with keep-alive.`,
  });
  socket.on('error', () => {});
  // Read and drop whatever the client sends, so the close is orderly rather than a reset.
  socket.resume();
  socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
  socket.end(
    `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n${body}`,
  );
}
