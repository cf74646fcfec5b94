/**
 * Binds a UDP socket on a free even port of a range. Even, because RTP traditionally takes the even
 * port and leaves port+1 to RTCP (RFC 3550 §11); above 1024, because terms 5.1 say so and low ports
 * need privileges anyway.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';

/** The default RTP port range. */
export const DEFAULT_PORT_RANGE: readonly [number, number] = [20000, 20999];

/** Ports this process holds right now, so concurrent sessions skip them without a failed bind. */
const inUse = new Set<string>();

const key = (address: string, port: number) => `${address}:${port}`;

/** Thrown when every even port of the range is taken. */
export class NoFreePortError extends Error {
  constructor(range: readonly [number, number]) {
    super(`no free even UDP port in ${range[0]}-${range[1]}`);
    this.name = 'NoFreePortError';
  }
}

function tryBind(address: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    const onError = (err: NodeJS.ErrnoException) => {
      socket.close();
      // Taken (by another process) or not allowed: try the next port. Anything else is a real error.
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(undefined);
      else reject(err);
    };
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * Binds a udp4 socket on the first free even port of `range`, starting at a random even port so
 * concurrent processes and quickly reopened sessions rarely collide (and a late packet of an old call
 * is unlikely to land in a new one). Call {@link releasePort} when the socket closes.
 */
export async function bindEvenPort(address: string, range: readonly [number, number] = DEFAULT_PORT_RANGE): Promise<{ socket: Socket; port: number }> {
  const [min, max] = range;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min <= 1024 || max > 65535 || min > max) {
    throw new RangeError(`invalid RTP port range ${min}-${max} (must be within 1025-65535)`);
  }
  const first = min % 2 === 0 ? min : min + 1;
  const count = Math.floor((max - first) / 2) + 1;
  if (count <= 0) throw new RangeError(`RTP port range ${min}-${max} holds no even port`);
  const startIndex = randomInt(0, count);
  for (let i = 0; i < count; i++) {
    const port = first + ((startIndex + i) % count) * 2;
    if (inUse.has(key(address, port))) continue;
    const socket = await tryBind(address, port);
    if (socket) {
      inUse.add(key(address, port));
      return { socket, port };
    }
  }
  throw new NoFreePortError(range);
}

/** Forgets a port taken by {@link bindEvenPort} so the next session may use it. */
export function releasePort(address: string, port: number): void {
  inUse.delete(key(address, port));
}
