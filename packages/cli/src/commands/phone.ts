import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Flags } from '@oclif/core';
import type { IncomingCall, PhoneCall, Softphone } from '@prolope/server';
import { ApiCommand } from '../api-command.js';
import { CliError, toCliError } from '../errors.js';
import { writeOut } from '../output.js';
import { serverSipAddress, sipRefusalCode } from '../sip-server.js';
import { parseSipTarget } from './call-test.js';
import { keyHelp, phoneKeys } from './phone-keys.js';

/** One thing that happened on the phone: a line of text, or with `--json` a line of JSON (`event` names it). */
type PhoneEvent = { event: string; text: string } & Record<string, unknown>;

/**
 * `prolope phone`: a terminal softphone for a SIP user of the account's cloud PBX. Registers with
 * digest (refreshed; Ctrl+C unregisters with Expires: 0), shows incoming calls, answers them (key `a` or
 * `--auto-answer`), places a call (`--call 202`), plays a WAV or spoken text into each call, records what
 * it hears to a WAV, sends DTMF digits and hangs up. Built on Prolope's own SIP stack, the one
 * `prolope call test` uses.
 *
 * @example
 * ```ts
 * await Phone.run(['--user', '201', '--password', 's3cret', '--auto-answer', '--say', 'Hello from 201']);
 * ```
 */
export class Phone extends ApiCommand {
  static override summary = 'A terminal softphone: register as a SIP user, answer and place calls';
  static override description =
    "Registers as --user in the account's SIP domain (digest; refreshed while it runs) and waits for calls. --auto-answer answers each call; --call dials an extension (or number) and exits when that call ends. Into each call it plays --play (a WAV file) or --say (text spoken by the TTS engine), then presses --press digits (RFC 4733), records what it hears to --record, and hangs up after --hangup-after seconds when given. --hold-after puts each call on hold (re-INVITE with a=sendonly) and --hold-for resumes it. On a terminal, keys work too: a answer, r reject, h hang up, o hold/resume, 0-9 * # send a digit, q quit. Ctrl+C (or q) hangs up and unregisters (Expires: 0). With --json each event is one line of JSON.";
  static override examples = [
    '<%= config.bin %> phone --user 201 --password s3cret',
    {
      description: 'Answer every call, say something, record the caller.',
      command: '<%= config.bin %> phone --user 201 --password s3cret --auto-answer --say "Hello, this is 201." --record heard.wav',
    },
    {
      description: 'Call extension 202 from 201, play a WAV, press 1, hang up after 10 seconds.',
      command: 'PROLOPE_PHONE_PASSWORD=s3cret <%= config.bin %> phone --user 201 --call 202 --play hello.wav --press 1 --hangup-after 10',
    },
  ];
  static override flags = {
    user: Flags.string({ description: 'The SIP user name to register as (`username` of the SIP user).', required: true }),
    password: Flags.string({ description: "The SIP user's password (shown once when it was created).", env: 'PROLOPE_PHONE_PASSWORD', required: true }),
    server: Flags.string({
      description: "Prolope's SIP address, host[:port]; default: the address the server's health shows.",
      aliases: ['sip'],
    }),
    domain: Flags.string({ description: "The account's SIP domain (`domain` of the SIP user); default: looked up with the API key." }),
    'auto-answer': Flags.boolean({ description: 'Answer every incoming call at once.' }),
    call: Flags.string({ description: 'Call this extension (or number) once registered; exit when the call ends.' }),
    play: Flags.string({ description: 'A WAV file to play into each call once it is connected.', exclusive: ['say'] }),
    say: Flags.string({ description: 'Text to speak into each call once it is connected (the bundled TTS engine).' }),
    record: Flags.string({ description: 'Record what the far end sends to this WAV file (8 kHz mono); each call overwrites it.' }),
    press: Flags.string({ description: 'DTMF digits to send after the audio: 1,2 or 12 (0-9, *, #, A-D).' }),
    'hangup-after': Flags.integer({ description: 'Hang up each call this many seconds after it connects.', min: 1, max: 86_400 }),
    'hold-after': Flags.integer({ description: 'Put each call on hold (re-INVITE a=sendonly) this many seconds after it connects.', min: 0, max: 86_400 }),
    'hold-for': Flags.integer({
      description: 'With --hold-after: resume (re-INVITE a=sendrecv) after this many seconds on hold.',
      min: 0,
      max: 86_400,
      dependsOn: ['hold-after'],
    }),
    expires: Flags.integer({
      description: 'Registration expiry to ask for, in seconds (refreshed at half of what is granted).',
      default: 300,
      min: 1,
      max: 86_400,
    }),
    'local-address': Flags.string({ description: 'Address to bind; default 127.0.0.1 for a loopback server, else 0.0.0.0.' }),
    'local-port': Flags.integer({ description: 'SIP port to bind; default: any free port.', min: 0, max: 65_535 }),
    interactive: Flags.boolean({ description: 'Read keys from the terminal (default: when stdin is a terminal).', allowNo: true }),
  };

  #json = false;

  async run(): Promise<void> {
    const { flags } = await this.parse(Phone);
    this.#json = this.jsonEnabled();
    const connection = this.connect(flags, { requireKey: false });
    const { parseDigits, readWavAs8kPcm, defaultTtsEngine, Softphone: SoftphoneClass } = await import('@prolope/server');
    let digits: string[];
    try {
      digits = parseDigits(flags.press);
    } catch (err) {
      throw new CliError('usage_error', `--press: ${(err as Error).message}`);
    }
    const sip = flags.server !== undefined ? parseSipTarget(flags.server) : await serverSipAddress(connection, (t) => this.note(t));
    const domain = flags.domain ?? (await this.lookUpDomain(connection, flags.user));
    let audio: Int16Array | undefined;
    if (flags.play !== undefined) {
      try {
        audio = readWavAs8kPcm(await readFile(flags.play));
      } catch (err) {
        throw new CliError('usage_error', `--play: could not read ${flags.play} as a WAV file: ${(err as Error).message}`);
      }
    } else if (flags.say !== undefined) audio = await defaultTtsEngine().synthesize(flags.say);

    let phone: Softphone;
    try {
      phone = await SoftphoneClass.open({
        host: sip.host,
        port: sip.port,
        username: flags.user,
        password: flags.password,
        domain,
        expiresSeconds: flags.expires,
        ...(flags['local-address'] ? { localAddress: flags['local-address'] } : {}),
        ...(flags['local-port'] !== undefined ? { localPort: flags['local-port'] } : {}),
      });
    } catch (err) {
      throw new CliError('connection_failed', `Could not open the phone's SIP socket toward ${sip.host}:${sip.port}: ${(err as Error).message}`, {
        cause: err,
      });
    }

    const quit = new AbortController();
    const onSignal = () => quit.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let failure: CliError | undefined;
    const keys = (flags.interactive ?? process.stdin.isTTY === true) && !this.#json ? phoneKeys() : undefined;
    try {
      const registered = await phone.register();
      if (registered.status !== 200) {
        const why = registered.status === 408 ? 'no answer from the registrar' : `${registered.status} ${registered.reason}`;
        throw new CliError(
          registered.status === 408 ? 'connection_failed' : sipRefusalCode(registered.status),
          `Registration of ${flags.user}@${domain} failed: ${why}`,
        );
      }
      this.emit({
        event: 'registered',
        text: `Registered ${flags.user}@${domain} at ${sip.host}:${sip.port} (contact ${phone.contact}, expires ${registered.expires} s)`,
        user: flags.user,
        domain,
        contact: phone.contact,
        expires: registered.expires,
      });
      phone.onRegistrationLost((o) =>
        this.emit({ event: 'registration_lost', text: `Registration refresh failed: ${o.status} ${o.reason}`, status: o.status }),
      );

      const current = new Set<PhoneCall>();
      const held = new Set<PhoneCall>();
      let ringing: IncomingCall | undefined;
      const runCall = async (call: PhoneCall): Promise<void> => {
        current.add(call);
        this.emit({
          event: 'connected',
          text: `Connected ${call.direction === 'in' ? 'from' : 'to'} ${call.peer} (Call-ID ${call.callId})`,
          direction: call.direction,
          peer: call.peer,
          call_id: call.callId,
        });
        call.onDigit((digit) => this.emit({ event: 'digit', text: `Digit ${digit} from ${call.peer}`, digit }));
        const recording = flags.record !== undefined ? call.record() : undefined;
        const hangupAfter = flags['hangup-after'];
        const timer = hangupAfter !== undefined ? sleep(hangupAfter * 1000, undefined, { ref: false }).then(() => call.hangup()) : undefined;
        void (async () => {
          if (audio) await call.play(audio);
          if (digits.length > 0) {
            await call.sendDigits(digits).catch((err: Error) => this.note(`Digits not sent: ${err.message}`));
            this.emit({ event: 'digits_sent', text: `Sent digits ${digits.join('')}`, digits: digits.join('') });
          }
        })();
        const holdAfter = flags['hold-after'];
        if (holdAfter !== undefined) void this.holdLater(call, holdAfter, flags['hold-for']);
        const end = await call.ended;
        void timer;
        current.delete(call);
        const heard = call.packetsReceived();
        this.emit({
          event: 'ended',
          text: `Call with ${call.peer} ended (${end.by === 'local' ? 'we hung up' : end.by === 'remote' ? 'they hung up' : 'stopped'}); heard ${heard} RTP packets`,
          by: end.by,
          rtp_received: heard,
        });
        if (recording && flags.record !== undefined) {
          const { writeWav8k } = await import('@prolope/server');
          const samples = recording.stop();
          await writeFile(flags.record, writeWav8k(samples));
          this.emit({
            event: 'recorded',
            text: `Recorded ${(samples.length / 8000).toFixed(1)} s to ${flags.record}`,
            file: flags.record,
            seconds: samples.length / 8000,
          });
        }
      };
      const answer = (incoming: IncomingCall) => {
        if (ringing === incoming) ringing = undefined;
        incoming.answer().then(runCall, (err: Error) => this.note(`Could not answer: ${err.message}`));
      };
      phone.onIncoming((incoming) => {
        this.emit({
          event: 'incoming',
          text: `Incoming call from ${incoming.from}${flags['auto-answer'] ? '' : keys ? ' (a answer, r reject)' : ''}`,
          from: incoming.from,
          call_id: incoming.callId,
        });
        if (flags['auto-answer']) return answer(incoming);
        ringing = incoming;
        incoming.onCancel(() => {
          if (ringing === incoming) ringing = undefined;
          this.emit({ event: 'missed', text: `Missed call from ${incoming.from}`, from: incoming.from });
        });
      });

      keys?.onKey((key) => {
        if (key === 'q' || key === '\u0003') quit.abort();
        else if (key === 'a' && ringing) answer(ringing);
        else if (key === 'r' && ringing) {
          void ringing.reject(486);
          ringing = undefined;
        } else if (key === 'h') for (const c of current) void c.hangup();
        else if (key === 'o') for (const c of current) void this.toggleHold(c, held);
        else if (/^[0-9*#A-D]$/.test(key)) for (const c of current) void c.sendDigits(key).catch(() => undefined);
      });
      if (keys) writeOut(keyHelp);

      if (flags.call !== undefined) {
        this.emit({ event: 'calling', text: `Calling ${flags.call}`, target: flags.call });
        const placed = await Promise.race([phone.call(flags.call), aborted(quit.signal)]);
        if (placed === 'aborted') return;
        if (!placed.ok) throw new CliError(sipRefusalCode(placed.status), `The call to ${flags.call} was not answered: ${placed.status} ${placed.reason}`);
        await Promise.race([runCall(placed.call), aborted(quit.signal)]);
      } else await aborted(quit.signal);
    } catch (err) {
      failure = toCliError(err);
    } finally {
      keys?.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const unregistered = await phone.close();
      if (unregistered) {
        const ok = unregistered.status >= 200 && unregistered.status < 300;
        this.emit({
          event: 'unregistered',
          text: ok ? `Unregistered ${flags.user}@${domain}` : `Unregister failed: ${unregistered.status} ${unregistered.reason}`,
          status: unregistered.status,
        });
      }
    }
    if (failure) throw failure;
  }

  /** Holds `call` after `afterS` seconds and, with `forS`, resumes it that much later (unless it ended). */
  private async holdLater(call: PhoneCall, afterS: number, forS: number | undefined): Promise<void> {
    const ended = call.ended.then(() => 'ended' as const);
    if ((await Promise.race([ended, sleep(afterS * 1000, 'go' as const, { ref: false })])) === 'ended') return;
    await this.reoffer(call, 'hold');
    if (forS === undefined) return;
    if ((await Promise.race([ended, sleep(forS * 1000, 'go' as const, { ref: false })])) === 'ended') return;
    await this.reoffer(call, 'resume');
  }

  /** The `o` key: hold a call that is not held, resume one that is. */
  private async toggleHold(call: PhoneCall, held: Set<PhoneCall>): Promise<void> {
    const holding = !held.has(call);
    if (holding) held.add(call);
    else held.delete(call);
    await this.reoffer(call, holding ? 'hold' : 'resume');
  }

  /** Sends the hold or resume re-INVITE and prints how the far end answered. */
  private async reoffer(call: PhoneCall, what: 'hold' | 'resume'): Promise<void> {
    const outcome = await (what === 'hold' ? call.hold() : call.resume());
    const ok = outcome.status >= 200 && outcome.status < 300;
    const event = what === 'hold' ? 'held' : 'resumed';
    const text = ok
      ? `${what === 'hold' ? 'On hold' : 'Resumed'}: ${outcome.status} ${outcome.reason}, the far end answered ${outcome.direction ?? 'no usable SDP'}`
      : `${what === 'hold' ? 'Hold' : 'Resume'} refused: ${outcome.status} ${outcome.reason}`;
    this.emit({ event: ok ? event : `${what}_failed`, text, status: outcome.status, ...(outcome.direction ? { direction: outcome.direction } : {}) });
  }

  /** Prints an event: its text, or with `--json` the whole event as one line. */
  private emit(event: PhoneEvent): void {
    if (this.#json) process.stdout.write(`${JSON.stringify(event)}\n`);
    else writeOut(event.text);
  }

  /** The user's SIP domain, from the API (needs a key of the account); else ask for --domain. */
  private async lookUpDomain(connection: ReturnType<ApiCommand['connect']>, username: string): Promise<string> {
    if (!connection.credentials.apiKey) {
      throw new CliError(
        'usage_error',
        "Give --domain (the SIP user's `domain`), or an API key of the account (prolope login, PROLOPE_API_KEY) to look it up.",
      );
    }
    for await (const user of connection.client.sipUsers.list({ limit: 100 }).autoPaginate({ max: 10_000 })) {
      if (user.username === username) return user.domain;
    }
    throw new CliError('not_found', `No SIP user ${username} in this account: create it with \`prolope users create --username ${username}\`.`);
  }
}

/** Resolves with 'aborted' when `signal` aborts (at once if it already has). */
function aborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}
