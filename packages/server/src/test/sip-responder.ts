import { createSocket } from 'node:dgram';

/** An INVITE as a raw responder saw it: the text and where it came from. */
export interface SeenInvite {
  raw: string;
  from: { address: string; port: number };
  header(name: string): string | undefined;
}

/**
 * A minimal far end on a UDP socket for tests that must see the raw INVITE (its Via and Contact) or
 * that a route was never tried: it answers every INVITE with one final status (its headers copied as
 * RFC 3261 §8.2.6 asks, a To tag added) and takes the ACK silently. SIPp plays the far end elsewhere;
 * this covers what SIPp scenarios cannot assert on.
 */
export async function sipResponder(status: number, reason: string) {
  const socket = createSocket('udp4');
  const invites: SeenInvite[] = [];
  const waiting: Array<(invite: SeenInvite) => void> = [];
  socket.on('message', (msg, rinfo) => {
    const raw = msg.toString('utf8');
    if (!raw.startsWith('INVITE ')) return;
    const lines = raw.split('\r\n');
    const header = (name: string) => lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]+:\s*/, '');
    const invite: SeenInvite = { raw, from: { address: rinfo.address, port: rinfo.port }, header };
    invites.push(invite);
    const copied = lines.filter((l) => /^(via|from|call-id|cseq):/i.test(l));
    const response = [`SIP/2.0 ${status} ${reason}`, ...copied, `To: ${header('to')};tag=responder${invites.length}`, 'Content-Length: 0', '', ''].join('\r\n');
    socket.send(response, rinfo.port, rinfo.address);
    for (const w of waiting.splice(0)) w(invite);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    invites,
    /** The next INVITE (or the first, if one came already). */
    invite: (): Promise<SeenInvite> => (invites[0] ? Promise.resolve(invites[0]) : new Promise((resolve) => waiting.push(resolve))),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
