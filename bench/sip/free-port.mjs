import { createSocket } from 'node:dgram';

/** A free UDP port on loopback (bound, read, released: fine for a bench on one machine). */
export async function freeUdpPort() {
  const socket = createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address();
  await new Promise((r) => socket.close(r));
  return port;
}
