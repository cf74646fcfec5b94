/**
 * The answerer's half of SDP offer/answer (RFC 3264) for the one codec Prolope carries: G.711
 * A-law (PCMA/8000) at 20 ms packetization, plus RFC 4733 telephone-event/8000 for DTMF when the
 * offer has it (terms section 5.2). Everything else is refused with 488, never with an exception:
 * the SDP comes straight off the network.
 */
import { parse, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { MediaDirection, NegotiationFailure, NegotiationResult } from './sdp-types.js';

/** The only packetization we send and accept, in milliseconds. */
export const PTIME_MS = 20;

const PCMA_STATIC_PT = 8;

const fail = (reason: string): NegotiationFailure => ({ ok: false, status: 488, reason });

// RFC 3551 table 4: static payload types an SDP may list without an a=rtpmap line.
const STATIC_PAYLOAD_TYPES: Record<number, string> = { 0: 'PCMU/8000', 3: 'GSM/8000', 4: 'G723/8000', 8: 'PCMA/8000', 9: 'G722/8000', 18: 'G729/8000' };

/** Case-insensitive `codec/rate` test against an a=rtpmap entry. */
const isCodec = (rtp: { codec: string; rate?: number }, codec: string, rate: number): boolean =>
  rtp.codec.toLowerCase() === codec.toLowerCase() && rtp.rate === rate;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The payload types on the m-line, as numbers; undefined if any is not a number (garbled line). */
function formatList(media: MediaDescription): number[] | undefined {
  const raw = String(media.payloads ?? '').trim();
  if (raw === '') return undefined;
  const pts = raw.split(/\s+/).map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return pts.every((pt) => pt >= 0 && pt <= 127) ? pts : undefined;
}

/** RFC 3264 §6.1: we answer with the mirror of the offered direction (mirroring twice gives the SDP's own). */
export function answerDirection(offered: string | undefined): MediaDirection {
  switch (offered) {
    case 'sendonly':
      return 'recvonly';
    case 'recvonly':
      return 'sendonly';
    case 'inactive':
      return 'inactive';
    default:
      return 'sendrecv';
  }
}

/**
 * Checks an SDP offer and picks what we will use: PCMA/8000 at 20 ms, plus telephone-event/8000 when
 * offered. Never throws.
 *
 * Accepted: an `m=audio <port> RTP/AVP ...` line (the first audio line with a non-zero port) whose
 * format list has payload type 8, as long as any `a=rtpmap:8` says PCMA/8000; `a=ptime` absent or 20;
 * `a=maxptime` absent or at least 20; an IPv4 connection address (media level, else session level).
 * PCMA only offered under a dynamic payload type is refused, because the session always sends and
 * receives it as 8 (the media layer has no way to carry another number for it).
 *
 * Refused (status 488 with a reason): only PCMU/G729/other codecs, any other ptime, no audio m-line,
 * an audio line with port 0, SRTP or other profiles, IPv6 addresses, truncated or garbled SDP.
 */
export function negotiate(offerSdp: string): NegotiationResult {
  if (typeof offerSdp !== 'string' || offerSdp.trim() === '') return fail('empty SDP offer');
  let sdp: SessionDescription;
  try {
    sdp = parse(offerSdp);
  } catch (err) {
    return fail(`unparseable SDP: ${(err as Error).message}`);
  }
  // sdp-transform skips lines it does not understand, so check the skeleton ourselves.
  if (sdp.version !== 0) return fail('not an SDP body (no v=0 line)');
  const media = Array.isArray(sdp.media) ? sdp.media : [];
  if (media.length === 0) return fail('no m= line in the offer');
  // A media entry with no type/port means its m= line did not parse (truncated or garbled).
  if (media.some((m) => typeof m.type !== 'string' || !Number.isInteger(m.port))) return fail('garbled m= line in the offer');

  const audioLines = media.map((m, index) => ({ m, index })).filter(({ m }) => m.type === 'audio');
  if (audioLines.length === 0) return fail('no audio m= line in the offer');
  const chosen = audioLines.find(({ m }) => m.port !== 0);
  if (!chosen) return fail('the audio stream is disabled (port 0)');
  const { m: audio, index: mediaIndex } = chosen;

  if (audio.port < 1 || audio.port > 65535) return fail(`invalid audio port ${audio.port}`);
  if (audio.protocol !== 'RTP/AVP') return fail(`unsupported transport ${audio.protocol} (only RTP/AVP, no SRTP)`);

  const pts = formatList(audio);
  if (!pts) return fail('garbled format list on the audio m= line');

  const rtpmaps = Array.isArray(audio.rtp) ? audio.rtp : [];
  const mapOf = (pt: number) => rtpmaps.find((r) => r.payload === pt);
  // Static pt 8 is PCMA/8000 unless an rtpmap says otherwise (RFC 3551 table 4).
  const pt8Map = mapOf(PCMA_STATIC_PT);
  const pcmaAt8 = pts.includes(PCMA_STATIC_PT) && (!pt8Map || isCodec(pt8Map, 'PCMA', 8000));
  if (!pcmaAt8) {
    const dynamicPcma = pts.find((pt) => {
      const map = mapOf(pt);
      return map !== undefined && isCodec(map, 'PCMA', 8000);
    });
    if (dynamicPcma !== undefined) return fail(`PCMA only offered as dynamic payload type ${dynamicPcma}; payload type 8 required`);
    const offered = pts.map((pt) => {
      const map = mapOf(pt);
      return map ? `${map.codec}/${map.rate ?? '?'}` : (STATIC_PAYLOAD_TYPES[pt] ?? String(pt));
    });
    return { ...fail(`no PCMA/8000 in the offer (offered: ${offered.join(', ')}); only G.711 A-law is supported`), codecs: offered };
  }

  // Terms 5.2: 20 ms only. An absent ptime means the offerer takes any; we send 20.
  if (audio.ptime !== undefined && Number(audio.ptime) !== PTIME_MS) return fail(`ptime ${audio.ptime} not supported (20 ms only)`);
  if (audio.maxptime !== undefined && Number(audio.maxptime) < PTIME_MS) return fail(`maxptime ${audio.maxptime} below 20 ms`);

  const connection = audio.connection ?? sdp.connection;
  if (!connection?.ip) return fail('no connection address (c= line)');
  if (connection.version !== 4) return fail('only IPv4 connection addresses are supported');
  // c= may carry "/ttl" for multicast; sdp-transform keeps it separate, but check the shape anyway.
  if (!IPV4.test(connection.ip)) return fail(`invalid connection address ${connection.ip}`);

  const dtmfPayloadType = pts.find((pt) => {
    const map = mapOf(pt);
    return pt >= 96 && map !== undefined && isCodec(map, 'telephone-event', 8000);
  });

  const otherMedia = media
    .map((m, index) => ({ m, index }))
    .filter(({ index }) => index !== mediaIndex)
    .map(({ m, index }) => ({ index, type: m.type, protocol: m.protocol, formats: String(m.payloads ?? '').trim() || '0' }));

  return {
    ok: true,
    remote: { address: connection.ip, port: audio.port },
    pcmaPayloadType: 8,
    ...(dtmfPayloadType !== undefined ? { dtmfPayloadType } : {}),
    direction: answerDirection(audio.direction ?? sdp.direction),
    mediaIndex,
    otherMedia,
  };
}
