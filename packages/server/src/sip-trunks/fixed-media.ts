/**
 * What every trunk uses and no request can change: the terms fix SIP on UDP (5.1) and G.711 A-law with
 * 20 ms packets (5.2). Shown in each trunk so a PBX admin can copy them. The port is the server's
 * (PROLOPE_SIP_PORT, 5060 by default as 5.1 names), shown beside them from the live SIP address.
 */
export const SIP_TRANSPORT = 'udp' as const;

export const CODEC_PROFILE = {
  codec: 'PCMA',
  clock_rate: 8000,
  ptime_ms: 20,
  // RFC 4733 DTMF travels beside PCMA, so IVR menus work without in-band tones.
  telephone_event: true,
  reason:
    'The terms (5.2) support G.711 A-law (PCMA) with 20 ms packetization only; other codecs or intervals are not recommended and voice quality is not guaranteed with them.',
} as const;
