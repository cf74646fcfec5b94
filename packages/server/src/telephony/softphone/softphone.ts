import { randomBytes } from 'node:crypto';
import type { SipInboundCall } from '../backend.js';
import { openRtpSession, RtpSession } from '../media/rtp-session.js';
import { buildAnswer } from '../media/sdp-answer.js';
import { negotiate } from '../media/sdp-negotiate.js';
import { buildOffer, readAnswer } from '../media/sdp-offer.js';
import { RtpPorts } from '../media/udp-port.js';
import { followReoffers, newOrigin } from '../media/reoffer.js';
import { EmbeddedSip } from '../sip/embedded-sip.js';
import { isLoopback, resolveIPv4, routeAddress } from '../test-caller/network.js';
import { PhoneCall } from './phone-call.js';
import { type RegisterOutcome, Registration } from './registration.js';

/** Away from the server's 20000-29999 and the test caller's 40000-40999, so a phone next to a local server rarely competes. */
const PHONE_RTP_PORTS: readonly [number, number] = [41000, 41999];

/** Options of {@link Softphone.open}. */
export interface SoftphoneOptions {
  /** The registrar and proxy: Prolope's SIP address. */
  host: string;
  port?: number;
  username: string;
  password: string;
  /** The account's SIP domain (`<slug>.sip.localhost`), as `GET /v1/sip-users/{id}` shows it. */
  domain: string;
  /** Address to bind; default 127.0.0.1 for a loopback server, else 0.0.0.0 (advertising the route's address). */
  localAddress?: string;
  /** SIP port to bind; default 0 (any free port). */
  localPort?: number;
  /** Registration expiry we ask for (default 300 s). */
  expiresSeconds?: number;
  rtpPortRange?: readonly [number, number];
}

/** A call ringing on the phone: answer it (media opens) or refuse it. */
export interface IncomingCall {
  /** The caller's user part (their extension, or a number). */
  readonly from: string;
  readonly callId: string;
  /** Answers 200 with our SDP; resolves with the call once the ACK came. */
  answer(): Promise<PhoneCall>;
  /** Refuses it (486 Busy Here by default). */
  reject(status?: number): Promise<void>;
  /** Called if the caller gives up (CANCEL) before we answer. */
  onCancel(listener: () => void): void;
}

/** What placing a call came to: the established call, or the final refusal. */
export type PlaceCallOutcome = { ok: true; call: PhoneCall } | { ok: false; status: number; reason: string };

/**
 * A SIP phone in Node, for `prolope phone` and tests: one UDP socket (Prolope's own embedded SIP stack)
 * that registers with digest and refreshes, takes INVITEs for the user on the address it registered
 * from, places calls in the account's domain (`sip:<extension>@<domain>`, digest answered), and runs
 * each call's media as PCMA at 20 ms with RFC 4733 digits. The far end's hold re-INVITEs are answered
 * (recvonly), and the phone holds and resumes with its own re-INVITEs (`a=sendonly`, `a=sendrecv`); a
 * transfer (REFER) from the phone is not built yet.
 *
 * @example
 * ```ts
 * const phone = await Softphone.open({ host: '127.0.0.1', port: 5060, username: '201', password, domain: 'acme.sip.localhost' });
 * await phone.register(); // { status: 200, reason: 'OK', expires: 300 }
 * phone.onIncoming(async (incoming) => {
 *   const call = await incoming.answer();
 *   await call.play(tone(440, 1000));
 *   await call.hangup();
 * });
 * await phone.close(); // unregisters
 * ```
 */
export class Softphone {
  readonly #sip: EmbeddedSip;
  readonly #server: { address: string; port: number };
  readonly #advertised: string;
  readonly #bindAddress: string;
  readonly #registration: Registration;
  readonly #ports = new RtpPorts();
  readonly #calls = new Set<PhoneCall>();
  #incoming: ((call: IncomingCall) => void) | undefined;
  #registered = false;

  private constructor(
    private readonly opts: SoftphoneOptions,
    sip: EmbeddedSip,
    server: { address: string; port: number },
    bindAddress: string,
    advertised: string,
    sipPort: number,
  ) {
    this.#sip = sip;
    this.#server = server;
    this.#bindAddress = bindAddress;
    this.#advertised = advertised;
    this.#registration = new Registration({
      send: (buf, branch) => sip.request(buf, server, branch, 'REGISTER'),
      sentBy: `${advertised}:${sipPort}`,
      username: opts.username,
      password: opts.password,
      domain: opts.domain,
      expiresSeconds: opts.expiresSeconds ?? 300,
    });
    sip.onInvite((call) => this.#onInvite(call));
  }

  /** Binds the phone's SIP socket (nothing is sent yet). */
  static async open(opts: SoftphoneOptions): Promise<Softphone> {
    const server = { address: await resolveIPv4(opts.host), port: opts.port ?? 5060 };
    const bindAddress = opts.localAddress ?? (isLoopback(server.address) ? '127.0.0.1' : '0.0.0.0');
    const advertised = bindAddress === '0.0.0.0' ? await routeAddress(server) : bindAddress;
    const sip = new EmbeddedSip({ host: bindAddress, port: opts.localPort ?? 0, publicAddress: advertised });
    const { sipPort } = await sip.start();
    return new Softphone(opts, sip, server, bindAddress, advertised, sipPort);
  }

  /** The Contact the phone registers (`<sip:201@192.0.2.10:50123>`). */
  get contact(): string {
    return this.#registration.contact;
  }

  /** REGISTERs (digest answered) and keeps the binding refreshed until {@link close}. */
  async register(): Promise<RegisterOutcome> {
    const outcome = await this.#registration.start();
    this.#registered = outcome.status >= 200 && outcome.status < 300;
    return outcome;
  }

  /** Called when a refresh is refused or unanswered: the binding will lapse. */
  onRegistrationLost(listener: (outcome: RegisterOutcome) => void): void {
    this.#registration.onRefreshFailed(listener);
  }

  /** Takes each INVITE for the phone; without a listener calls get 480. */
  onIncoming(listener: (call: IncomingCall) => void): void {
    this.#incoming = listener;
  }

  /** Calls an extension (or a number) in the account's domain; resolves on the answer or the refusal. */
  async call(target: string, ringTimeoutMs = 60_000): Promise<PlaceCallOutcome> {
    const rtp = await this.#ports.bind(this.#bindAddress, this.opts.rtpPortRange ?? PHONE_RTP_PORTS);
    const origin = newOrigin();
    const dialog = this.#sip.dial({
      callId: `${randomBytes(12).toString('hex')}@prolope-phone`,
      requestUri: `sip:${target}@${this.opts.domain}`,
      destination: this.#server,
      fromUser: this.opts.username,
      sdp: buildOffer({ address: this.#advertised, port: rtp.port }, origin.sessionId, origin.version),
      ringTimeoutMs,
      credentials: { username: this.opts.username, password: this.opts.password },
    });
    const outcome = await dialog.outcome;
    const answer = outcome.ok ? readAnswer(outcome.sdp ?? '') : undefined;
    if (!outcome.ok || !answer?.ok) {
      rtp.socket.close();
      this.#ports.release(this.#bindAddress, rtp.port);
      if (!outcome.ok) return { ok: false, status: outcome.status, reason: outcome.reason };
      await dialog.hangup();
      return { ok: false, status: 488, reason: `unusable SDP answer: ${answer && !answer.ok ? answer.reason : 'none'}` };
    }
    const media = new RtpSession(rtp.socket, rtp.port, {
      bindAddress: this.#bindAddress,
      ports: this.#ports,
      advertisedAddress: this.#advertised,
      remote: answer.remote,
      ...(answer.dtmfPayloadType !== undefined ? { dtmfPayloadType: answer.dtmfPayloadType } : {}),
      rtpTimeoutMs: 0,
    });
    followReoffers(dialog, media, origin);
    return { ok: true, call: this.#track(new PhoneCall('out', target, dialog, media, origin)) };
  }

  /** Hangs up every call, unregisters (`Expires: 0`) when registered, and closes the socket. */
  async close(): Promise<RegisterOutcome | undefined> {
    await Promise.all([...this.#calls].map((c) => c.hangup()));
    const unregistered = this.#registered ? await this.#registration.stop() : undefined;
    this.#registered = false;
    await this.#sip.stop();
    return unregistered;
  }

  #track(call: PhoneCall): PhoneCall {
    this.#calls.add(call);
    void call.ended.then(() => this.#calls.delete(call));
    return call;
  }

  async #onInvite(invite: SipInboundCall): Promise<void> {
    const listener = this.#incoming;
    if (!listener) return invite.reject(480, 'Temporarily Unavailable');
    const offer = negotiate(invite.sdp ?? '');
    if (!offer.ok) return invite.reject(offer.status, offer.reason);
    const cancelled = new Set<() => void>();
    let answered = false;
    invite.onEnd((end) => {
      if (!answered && end.cause === 'canceled') for (const l of cancelled) l();
    });
    listener({
      from: invite.fromUser,
      callId: invite.callId,
      answer: async () => {
        answered = true;
        const media = await openRtpSession({
          bindAddress: this.#bindAddress,
          ports: this.#ports,
          advertisedAddress: this.#advertised,
          portRange: this.opts.rtpPortRange ?? PHONE_RTP_PORTS,
          remote: offer.remote,
          ...(offer.dtmfPayloadType !== undefined ? { dtmfPayloadType: offer.dtmfPayloadType } : {}),
          rtpTimeoutMs: 0,
        });
        const origin = newOrigin();
        followReoffers(invite, media, origin);
        const call = this.#track(new PhoneCall('in', invite.fromUser, invite, media, origin));
        try {
          await invite.answer(buildAnswer(media.local, offer, origin.sessionId, origin.version));
        } catch (err) {
          await call.hangup();
          throw err;
        }
        return call;
      },
      reject: (status = 486) => invite.reject(status),
      onCancel: (l) => void cancelled.add(l),
    });
  }
}
