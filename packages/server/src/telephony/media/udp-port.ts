/**
 * Binds a UDP socket on a free even port of a range. Even, because RTP traditionally takes the even
 * port and leaves port+1 to RTCP (RFC 3550 §11); above 1024, because terms 5.1 say so and low ports
 * need privileges anyway.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';

/** The default RTP port range. */
export const DEFAULT_PORT_RANGE: readonly [number, number] = [20000, 20999];

const key = (address: string, port: number) => `${address}:${port}`;

/** Thrown when every even port of the range is taken. */
export class NoFreePortError extends Error {
  constructor(range: readonly [number, number]) {
    super(`no free even UDP port in ${range[0]}-${range[1]}`);
    this.name = 'NoFreePortError';
  }
}

/** Binds a udp4 socket on exactly `port`; undefined when the port is taken or not allowed. */
export function tryBind(address: string, port: number): Promise<Socket | undefined> {
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
 * The RTP ports one server instance holds right now, so its concurrent sessions skip them without a
 * failed bind. Each server has its own (in its CallRuntime): a port another server or process holds
 * only costs a failed bind, since sockets are bound without SO_REUSEADDR.
 */
export class RtpPorts {
  readonly #inUse = new Set<string>();

  /**
   * Binds a udp4 socket on the first free even port of `range`, starting at a random even port so
   * concurrent processes and quickly reopened sessions rarely collide (and a late packet of an old call
   * is unlikely to land in a new one). Call {@link release} when the socket closes.
   */
  async bind(address: string, range: readonly [number, number] = DEFAULT_PORT_RANGE): Promise<{ socket: Socket; port: number }> {
    return this.claim(address, range, async (port) => {
      const socket = await tryBind(address, port);
      return socket && { socket, port };
    });
  }

  /**
   * The port search of {@link bind} with the bind itself left to `bindAt` (undefined when that port is
   * taken): a media worker binds in its own thread, since a socket cannot move between threads.
   */
  async claim<T>(address: string, range: readonly [number, number], bindAt: (port: number) => Promise<T | undefined>): Promise<T> {
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
      if (this.#inUse.has(key(address, port))) continue;
      // Held while the bind runs, so a concurrent claim does not try the same port.
      this.#inUse.add(key(address, port));
      let bound: T | undefined;
      try {
        bound = await bindAt(port);
      } catch (err) {
        this.#inUse.delete(key(address, port));
        throw err;
      }
      if (bound !== undefined) return bound;
      this.#inUse.delete(key(address, port));
    }
    throw new NoFreePortError(range);
  }

  /** Forgets a port taken by {@link bind} so the next session may use it. */
  release(address: string, port: number): void {
    this.#inUse.delete(key(address, port));
  }
}
