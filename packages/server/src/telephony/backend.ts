/**
 * The one interface the rest of the server sees for telephony. The embedded SIP/RTP endpoint
 * (default) and the drachtio adapter (production) both implement it, so the calls domain never
 * knows which one carries a call.
 */

/** A digest `Authorization` (or `Proxy-Authorization`) header, parsed. */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: 'MD5' | 'SHA-256';
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/** The audio side of a call: PCMA at 20 ms over RTP. Samples are 16-bit linear PCM at 8 kHz. */
export interface MediaSession {
  /** Where we receive RTP (goes into our SDP). */
  readonly local: { address: string; port: number };
  /** Plays samples as 20 ms PCMA packets; resolves when the last packet is sent (or on stop). */
  play(samples: Int16Array, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Sends an RFC 4733 DTMF digit. */
  sendDtmf(digit: string, durationMs?: number): Promise<void>;
  /** Called once per digit the far end sends (RFC 4733), after its end packet. */
  onDtmf(listener: (digit: string) => void): void;
  /**
   * Starts keeping received audio; `stop()` of the recording returns it as 8 kHz PCM (a backend whose
   * media server writes the file may need to read it back, hence the promise). `pause()` leaves out
   * what arrives until `resume()`.
   */
  startRecording(opts?: RecordingOptions): RecordingHandle;
  /** Each 20 ms of audio the far end sends, decoded (silence while muted); returns the unsubscribe. */
  onAudio(listener: (pcm: Int16Array) => void): () => void;
  /** Sends one frame (up to 160 samples) now, for audio relayed live from another call (a bridge). */
  sendAudioFrame(pcm: Int16Array): void;
  /**
   * Connects this call's far end to `other`'s, both ways (audio and DTMF), until the returned function is
   * called; then each session plays as before. The embedded backend relays RTP packets in its media plane
   * (no transcoding, no main-thread hop between media workers); where it cannot (drachtio, sessions of
   * two kinds), decoded frames go through sendAudioFrame and digits are sent again.
   */
  bridge(other: MediaSession): () => void;
  /** While muted, the far end's audio reaches recordings and onAudio listeners as silence; DTMF still counts. */
  setMuted(muted: boolean): void;
  /** Called when no RTP arrived for the configured timeout. */
  onTimeout(listener: () => void): void;
  /**
   * Called once when the media relay carrying the call (rtpengine on the drachtio backend) lost it
   * mid-call; the call cannot go on. Media in this process (the embedded backend) has no such relay.
   */
  onLost?(listener: (reason: string) => void): void;
  /** Points the stream at the far end once its SDP says where (a delayed offer's answer in the ACK). */
  setRemote?(remote: { address: string; port: number }, dtmfPayloadType?: number): void;
  stats(): { packetsSent: number; packetsReceived: number; dtmfReceived: number };
  close(): Promise<void>;
}

/** How a recording keeps the two directions of a bridged call. */
export interface RecordingOptions {
  /**
   * 1 (default): what the far end sends and what a bridge relays to it, mixed. 2: the same two kept
   * apart, interleaved left (the far end) and right (the other party of the bridge).
   */
  channels?: 1 | 2;
}

/** A recording running on a call's media. */
export interface RecordingHandle {
  /** The audio: 8 kHz 16-bit samples, interleaved left and right when two channels were asked for. */
  stop(): Int16Array | Promise<Int16Array>;
  pause(): void;
  resume(): void;
}

/** Why a call ended, as the calls domain records it. */
export interface CallEnd {
  by: 'caller' | 'callee' | 'system';
  cause: 'normal' | 'canceled' | 'rtp_timeout' | 'rejected' | 'error';
  sipCode?: number;
}

/** An INVITE as a SIP stack delivers it (the embedded one or drachtio), SDP included. */
export interface SipInboundCall {
  /** The SIP Call-ID. */
  readonly callId: string;
  /** Where the INVITE came from (the UDP source, not a header). */
  readonly source: { address: string; port: number };
  /**
   * The full Request-URI and its user part: the dialled number as sent, and what the call is routed on
   * (RFC 3261 §8.2.2.1: the To header is the caller's wish for display, not the target).
   */
  readonly requestUri: string;
  readonly requestUser: string;
  /** The From user part: the A-number (calling number) as sent. */
  readonly fromUser: string;
  /** The raw SDP offer, if the INVITE had one. */
  readonly sdp: string | undefined;
  /** Our tag and the caller's in this dialog (the embedded backend): how a Replaces names it (RFC 3891). */
  readonly localTag?: string;
  readonly remoteTag?: string;
  /** The INVITE's Replaces header (RFC 3891), parsed; undefined without one. */
  readonly replaces?: ReplacesDialog | undefined;
  /** Parsed digest credentials, if the INVITE carried an Authorization header. */
  readonly credentials: DigestCredentials | undefined;
  /**
   * Checks the credentials against a stored HA1 (MD5 and SHA-256 forms) for this request: a nonce we
   * issued to this source and not expired, and not a replay (the nonce count must grow). `realm`: a SIP
   * user's domain (their HA1 is computed for it); default the trunks' realm.
   */
  verifyDigest(ha1: { md5: string; sha256: string }, realm?: string): boolean;
  /** True when the credentials answer a challenge of ours that has expired: challenge again (stale=true), it is no failure. */
  readonly staleNonce: boolean;
  /** Counts a failed authentication against the source address (throttling: enough of them ban it, see SourceGuard). */
  authFailed(): void;
  /**
   * Answers 401 with a fresh digest challenge: in the trunks' realm, or in `asUser.realm` (a SIP user's
   * domain) offering only `asUser.algorithms`, as REGISTER does.
   */
  challenge(asUser?: { realm: string; algorithms?: ReadonlyArray<'MD5' | 'SHA-256'> }): Promise<void>;
  /** Answers a final failure (403, 404, 480, 486, 488, ...). */
  reject(status: number, reason?: string, headers?: Record<string, string>): Promise<void>;
  /** Answers 183 Session Progress with our SDP answer (early media). */
  progress(answerSdp: string): Promise<void>;
  /** Answers 200 OK with our SDP answer; resolves when the ACK arrives (or rejects on timeout). */
  answer(answerSdp: string): Promise<void>;
  /**
   * For an INVITE without SDP (delayed offer, RFC 3261 §13.2.1): answers 200 OK carrying our offer and
   * resolves with the SDP answer the ACK brought (undefined if it brought none). A backend without it
   * refuses such INVITEs with 488.
   */
  answerWithOffer?(offerSdp: string): Promise<string | undefined>;
  /** Ends an established call with BYE. */
  hangup(): Promise<void>;
  /** Called once when the call ends from the far side (BYE, CANCEL) or a timer. */
  onEnd(listener: (end: CallEnd) => void): void;
  /**
   * Takes the SDP offers of the established call's re-INVITEs and UPDATEs (hold, resume, a new address):
   * the handler answers with our SDP or refuses (488, and the session stays as it was, RFC 3261 §14.2).
   * Telephony's offer/answer (media/answer-offer.ts) sets it; without one a changed offer gets 488.
   */
  onReoffer?(handler: (offerSdp: string) => ReofferAnswer): void;
  /**
   * Sends our re-INVITE with a new offer on the answered call (a phone's hold and resume); resolves with
   * the final status and the SDP answer. Only the embedded backend has it.
   */
  reinvite?(offerSdp: string): Promise<{ status: number; reason: string; sdp: string | undefined }>;
}

/** How a re-INVITE's or UPDATE's offer was taken: our answer, or the refusal's status and why. */
export type ReofferAnswer = { ok: true; answerSdp: string } | { ok: false; status: number; reason: string };

/**
 * The far end holding the call (a re-INVITE or UPDATE with `a=sendonly`, `a=inactive` or `c=0.0.0.0`)
 * and resuming it (`a=sendrecv`). While held it sends no audio worth relaying, so a bridge plays the
 * other party hold music instead.
 */
export interface HoldSignal {
  /** True while the far end holds the call. */
  readonly held: boolean;
  /** Called with true on hold and false on resume (only on a change); returns the unsubscribe. */
  onChange(listener: (held: boolean) => void): () => void;
}

/**
 * An INVITE that reached us, as the calls domain sees it: it decides what to do with the call, and
 * its media comes with the InboundOffer handed over beside it. No SDP: the offer and our answer stay
 * in telephony.
 */
export type InboundCall = Omit<SipInboundCall, 'sdp' | 'progress' | 'answer' | 'onReoffer'>;

/**
 * The caller's SDP offer, checked by telephony: refused with the SIP status and why (488 for a codec
 * other than PCMA at 20 ms), or accepted, and then `open()` opens the call's media. The calls domain
 * never sees SDP: it gets the media session and says when to send 183 and 200.
 */
export type InboundOffer = { ok: true; open(): Promise<AnsweringMedia> } | { ok: false; status: number; reason: string };

/** An inbound call's media, open before the answer. Both messages carry the same SDP answer. */
export interface AnsweringMedia {
  readonly media: MediaSession;
  /**
   * 183 Session Progress with our SDP answer (early media); resolves true when it was sent, false when
   * the call has none (an INVITE without SDP: our offer may only go in the reliable 200).
   */
  progress(): Promise<boolean>;
  /** 200 OK with our SDP answer; resolves when the ACK arrives (or rejects on timeout). */
  answer(): Promise<void>;
  /** Hold and resume by the caller (the embedded backend follows its re-INVITEs; drachtio, rtpengine's answers to them). */
  readonly hold?: HoldSignal;
}

/** Where and how to place an outbound call (a UAC INVITE). */
export interface DialOptions {
  /** The SIP Call-ID to use (the calls domain stores it before the INVITE leaves). */
  callId: string;
  /** The Request-URI, e.g. `sip:+35929876543@carrier.example.com:5060` (the full E.164 number, terms 5.2). */
  requestUri: string;
  /** Where the INVITE goes (the carrier or the trunk's PBX); in-dialog requests follow the same path. */
  destination: { address: string; port: number };
  /** The caller ID (A-number) for the From user part, as E.164. */
  fromUser: string;
  /** Give up (CANCEL) when no final answer came within this time. */
  ringTimeoutMs: number;
  /** Digest credentials to answer a 401/407 challenge with (once). */
  credentials?: { username: string; password: string } | undefined;
}

/** How an outbound INVITE ended before a conversation: the final failure status. */
export interface DialFailure {
  ok: false;
  /** 486 busy, 480/408 no answer (408 also for our ring timeout), 487 cancelled by us, 488 no PCMA, ... */
  status: number;
  reason: string;
  /** True when we ended it (ring timeout, no response, CANCEL, unacceptable SDP), not the far end. */
  local: boolean;
  /**
   * What happened, for our own failures: the calls domain words it on the call record (`hangup_reason`)
   * and decides whether another carrier may be tried. `unresolvable` and `unusable` come from the calls
   * domain's routing (a carrier's name does not resolve; its stored credentials cannot be read).
   */
  cause?: DialFailureCause;
}

export type DialFailureCause =
  | 'no_response'
  | 'ring_timeout'
  | 'canceled'
  | 'unacceptable_answer'
  | 'no_media_port'
  | 'media_relay'
  | 'send_failed'
  | 'stopped'
  | 'unresolvable'
  | 'unusable';

/** An answered outbound call: media is running (PCMA 20 ms) towards the far end's SDP answer. */
export interface DialAnswered {
  ok: true;
  media: MediaSession;
  /** The callee holding and resuming (its re-INVITEs; on drachtio as rtpengine answered them). */
  hold?: HoldSignal;
}

/** An outbound call in progress, as the calls domain drives it. */
export interface OutboundCall {
  readonly callId: string;
  /** Settles once: answered (with media) or failed with the final status. Never rejects. */
  readonly outcome: Promise<DialAnswered | DialFailure>;
  /** Called for each provisional response (180, 183) before the answer. */
  onProgress(listener: (status: number) => void): void;
  /** Ends the call: CANCEL before the answer (the outcome then fails with 487), BYE after it. */
  hangup(): Promise<void>;
  /** Called once when an answered call ends (far-end BYE, RTP timeout is the domain's); not for our own hangup. */
  onEnd(listener: (end: CallEnd) => void): void;
  /**
   * Takes the callee's REFER (blind transfer, RFC 3515) once answered; without a handler a REFER gets 501.
   * Only the embedded backend has it so far (drachtio answers REFER 501).
   */
  onTransfer?(handler: TransferHandler): void;
}

/** A REFER received in an answered call: where the party asks its peer to be sent (RFC 3515). */
export interface TransferRequest {
  /** The Refer-To URI as sent (`sip:203@acme.sip.localhost`). */
  referTo: string;
  /** Its user part, percent-decoded: an extension or a number. */
  target: string;
  /**
   * Refer-To carried `?Replaces=` (attended transfer, RFC 3891): the transferor's other dialog, whose
   * far party the transferee is to be joined with instead of a new leg.
   */
  replaces: ReplacesDialog | undefined;
}

/**
 * A dialog named by a Replaces header (RFC 3891 §6.1): its Call-ID and tags as the sender saw them. Who
 * receives it matches the tags either way round (its own tag may be either, by who sent the INVITE).
 */
export interface ReplacesDialog {
  callId: string;
  toTag: string;
  fromTag: string;
  /** `early-only` was present: only a dialog not yet confirmed may be replaced. */
  earlyOnly: boolean;
}

/**
 * Decides on a REFER: refused with a final status (404 unknown target, 403, 488...), or accepted (202)
 * with the way to report progress to the transferor, as NOTIFY `message/sipfrag` (`SIP/2.0 100 Trying`
 * was sent with the 202); the final report ends the subscription and the referrer's dialog.
 */
export type TransferHandler = (req: TransferRequest) => Promise<TransferDecision>;

export type TransferDecision = { accept: false; status: number; reason: string } | { accept: true; outcome: Promise<{ status: number; reason: string }> };

export interface TelephonyBackend {
  /** Starts listening; answers with the bound SIP port. */
  start(): Promise<{ sipPort: number }>;
  stop(): Promise<void>;
  /** Registers the handler for new INVITEs (one handler), each with its SDP offer already checked. */
  onInvite(handler: (call: InboundCall, offer: InboundOffer) => Promise<void>): void;
  /** Opens an RTP session for a call (the embedded backend owns its ports). */
  openMedia(remote: { address: string; port: number; dtmfPayloadType?: number }): Promise<MediaSession>;
  /** Places an outbound call: SDP offer PCMA 8 + telephone-event 101 at 20 ms, digest answered once. */
  dial?(opts: DialOptions): OutboundCall;
  /**
   * Serves REGISTER from a directory the composition root builds on the users' domain (telephony knows no
   * accounts). Only the embedded backend has it so far; drachtio answers REGISTER as before.
   */
  serveRegistrations?(directory: RegistrarDirectory, policy: RegistrarPolicy): void;
  /**
   * Serves SUBSCRIBE `message-summary` (RFC 3842) for the same users, with the counts from `source`.
   * Only the embedded backend has it so far.
   */
  serveMessageSummary?(directory: RegistrarDirectory, policy: RegistrarPolicy, source: MessageSummarySource): void;
  /** The counts may have changed for users of `domain`: NOTIFY their subscribed phones where they did. */
  refreshMessageSummaries?(domain: string): Promise<void>;
}

/** A mailbox's message counts as RFC 3842 carries them (`Voice-Message: new/old`). */
export interface MessageSummary {
  new: number;
  old: number;
}

/** Where the counts come from: the composition root passes one built on the domain that keeps messages. */
export interface MessageSummarySource {
  summary(userId: string): Promise<MessageSummary>;
}

/** A user that may register, as the directory knows it (only hashes, never a password). */
export interface RegistrarUser {
  id: string;
  ha1: { md5: string; sha256: string };
  /** Contacts the user may hold at once. */
  maxContacts: number;
}

/** A stored, unexpired binding of an address-of-record to a contact (RFC 3261 §10.3). */
export interface RegistrarBinding {
  contact: string;
  callId: string;
  cseq: number;
  expiresAt: Date;
}

/** One binding to add or refresh, with where its REGISTER came from (RFC 3581: reach it there). */
export interface BindingSet {
  contact: string;
  callId: string;
  cseq: number;
  expiresAt: Date;
  /** The UDP source of the REGISTER (`received`/`rport`, RFC 3581). */
  source: { address: string; port: number };
  transport: string;
  userAgent: string | undefined;
}

/**
 * Where registrations live: the composition root passes one built on the domain that owns users, so this
 * file knows nothing of accounts. `domain` is the host of the To URI (the account's SIP domain).
 */
export interface RegistrarDirectory {
  findUser(domain: string, username: string): Promise<RegistrarUser | undefined>;
  /** The user's bindings that have not expired. */
  bindings(userId: string): Promise<RegistrarBinding[]>;
  /**
   * Adds or refreshes `set` and removes `remove` (contacts) in one step, unless the user would then hold
   * more than `maxContacts` bindings (then nothing changes and the answer is undefined); answers the
   * bindings after it. Concurrent REGISTERs of one user are serialized, so the limit holds under races.
   */
  update(userId: string, change: { set: BindingSet[]; remove: string[] }, maxContacts: number): Promise<RegistrarBinding[] | undefined>;
}

export interface RegistrarPolicy {
  /** Shorter expirations are refused with 423 and Min-Expires (§10.3 step 7). */
  minExpires: number;
  /** Longer ones are cut down to this. */
  maxExpires: number;
  /** When neither the contact nor the request says (§10.2.1.1 leaves it to the registrar). */
  defaultExpires: number;
  /**
   * The digest algorithms a 401 offers, in order (RFC 8760: the phone takes the first it supports). Some
   * phones give up on a challenge list holding one they lack (libre-based baresip 1.x and SHA-256), so
   * the operator may offer MD5 alone.
   */
  algorithms: ReadonlyArray<'MD5' | 'SHA-256'>;
}

