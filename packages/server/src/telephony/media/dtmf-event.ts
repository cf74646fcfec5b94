/**
 * RFC 4733 §2.3 telephone-event payload (4 octets: event, E|R|volume, duration) and the DTMF digit
 * mapping of §3.2. Events 0-15 are the sixteen DTMF keys; 16 (flash) and above are not digits.
 */

/** The payload of one telephone-event packet. */
export interface DtmfEventPayload {
  /** Event code: 0-9 digits, 10 `*`, 11 `#`, 12-15 `A`-`D`. */
  event: number;
  /** E bit: this packet ends the event. */
  end: boolean;
  /** Power level in -dBm0 (0-63); we send 10, a usual value. */
  volume: number;
  /** Duration so far, in timestamp units (8 kHz samples). */
  duration: number;
}

/** Size of the telephone-event payload. */
export const DTMF_PAYLOAD_SIZE = 4;

const DIGITS = '0123456789*#ABCD';

/** Maps a DTMF digit (`0-9 * # A-D`, letters case-insensitive) to its event code, or undefined. */
export function digitToEvent(digit: string): number | undefined {
  if (digit.length !== 1) return undefined;
  const index = DIGITS.indexOf(digit.toUpperCase());
  return index === -1 ? undefined : index;
}

/** Maps an event code to its DTMF digit; undefined for flash (16) and non-DTMF events. */
export function eventToDigit(event: number): string | undefined {
  return event >= 0 && event < DIGITS.length ? DIGITS[event] : undefined;
}

/** Encodes a telephone-event payload. */
export function encodeDtmfPayload(p: DtmfEventPayload): Uint8Array {
  const out = new Uint8Array(DTMF_PAYLOAD_SIZE);
  out[0] = p.event & 0xff;
  out[1] = (p.end ? 0x80 : 0) | (p.volume & 0x3f);
  // Durations past 0xffff would need the long-event split of RFC 4733 §2.5.2.2; we cap instead.
  const duration = Math.min(p.duration, 0xffff);
  out[2] = duration >> 8;
  out[3] = duration & 0xff;
  return out;
}

/** Decodes a telephone-event payload; undefined if it is shorter than 4 octets. */
export function decodeDtmfPayload(payload: Uint8Array): DtmfEventPayload | undefined {
  if (payload.length < DTMF_PAYLOAD_SIZE) return undefined;
  const [event, flags, hi, lo] = payload as unknown as [number, number, number, number];
  return { event, end: (flags & 0x80) !== 0, volume: flags & 0x3f, duration: (hi << 8) | lo };
}
