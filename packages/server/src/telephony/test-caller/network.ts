import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { digitToEvent } from '../media/dtmf-event.js';
import type { Endpoint } from '../sip/responses.js';

/** The IPv4 address of a host name or literal (RTP and our SDP are IPv4 only). */
export async function resolveIPv4(host: string): Promise<string> {
  if (isIPv4(host)) return host;
  return (await lookup(host, { family: 4 })).address;
}

/** True for 127.0.0.0/8. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.');
}

/**
 * The local address the OS would send from to reach `target`: a connected UDP socket is given one at
 * once, and nothing is sent. We must advertise it when bound to 0.0.0.0 (it goes into Via, Contact and SDP).
 */
export async function routeAddress(target: Endpoint): Promise<string> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(target.port, target.address, () => resolve());
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

/**
 * Reads the digits to press: a string (`'12'`, `'1,2'`, `'1 2'`) or a list. Only DTMF keys
 * (`0-9 * # A-D`) are allowed.
 *
 * @throws RangeError naming the first character that is not a DTMF key.
 * @example
 * ```ts
 * parseDigits('1,2#'); // ['1', '2', '#']
 * ```
 */
export function parseDigits(press: string | readonly string[] | undefined): string[] {
  const text = typeof press === 'string' ? press : (press ?? []).join('');
  const digits = [...text.replace(/[\s,]+/g, '')];
  const bad = digits.find((d) => digitToEvent(d) === undefined);
  if (bad !== undefined) throw new RangeError(`not a DTMF key: ${JSON.stringify(bad)} (use 0-9, *, #, A-D)`);
  return digits.map((d) => d.toUpperCase());
}
