/**
 * Packets relayed between the two legs of a bridge, and the timestamp mapping of one direction. A
 * relayed packet keeps its payload bytes (PCMA to PCMA, no transcoding) and its marker; the sending
 * session gives it its own SSRC and next sequence number, and moves its timestamp by an offset taken
 * when the source stream begins, so the far end sees one continuous stream of the session it knows.
 */

/** What one leg hands the other: plain data, so it can also cross a MessagePort between media workers. */
export interface RelayedPacket {
  /** PCMA audio, or an RFC 4733 telephone-event (its payload type is each side's own). */
  kind: 'audio' | 'dtmf';
  marker: boolean;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

/**
 * Maps a source's RTP timestamps onto the sending session's timeline: the offset is set when a source
 * (SSRC) is first seen and kept after, so gaps (silence, a new talkspurt) and DTMF events, which repeat
 * one timestamp, pass through as the source made them. The bases move with every packet, so a signed
 * 32-bit difference is always small and a wrap of the source's timestamp needs no special case.
 */
export class RelayClock {
  #ssrc: number | undefined;
  #inBase = 0;
  #outBase = 0;

  /**
   * The timestamp (relative, as RtpSession counts) for packet `p`, and whether it begins a stream; `start`
   * gives the timestamp a new stream starts at.
   */
  map(p: Pick<RelayedPacket, 'ssrc' | 'timestamp'>, start: () => number): { timestamp: number; fresh: boolean } {
    const fresh = this.#ssrc !== p.ssrc;
    const timestamp = fresh ? start() : this.#outBase + ((p.timestamp - this.#inBase) | 0);
    this.#ssrc = p.ssrc;
    this.#inBase = p.timestamp;
    this.#outBase = timestamp;
    return { timestamp, fresh };
  }

  /** Forgets the source: the next packet starts a stream again (a new bridge). */
  reset(): void {
    this.#ssrc = undefined;
  }
}
