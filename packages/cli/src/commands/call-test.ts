import { Flags } from '@oclif/core';
import type { TestCallResult } from '@prolope/server';
import { ApiCommand } from '../api-command.js';
import { CliError, type CliErrorCode, toCliError } from '../errors.js';
import { serverSipAddress, sipRefusalCode } from '../sip-server.js';
import { writeJson, writeOut } from '../output.js';
import { callLine, type Cdr, findCdr, noCdrLine, summaryLines } from './call-test-report.js';

/**
 * `prolope call test`: places a real SIP call to a Prolope SIP endpoint the way a customer's PBX
 * would (trunk source IP, caller ID and digest), presses `--press` digits as RFC 4733 events, prints
 * the timeline of SIP, RTP and DTMF, then the call's CDR from the API when a key is configured.
 * Exits 0 when the call was answered; a refusal exits with the code of its kind (3, 4, 5 or 1).
 *
 * @example
 * ```ts
 * await CallTest.run(['--to', '+35929000002', '--from', '+35929000001', '--sip', '127.0.0.1:5060', '--press', '1,2']);
 * ```
 */
export class CallTest extends ApiCommand {
  static override summary = 'Place a real SIP test call, press digits, print the timeline';
  static override description =
    "Calls --to from --from over SIP/UDP like a customer's PBX: the source address must be in a SIP trunk's allowed_ips, --from in its allowed_caller_ids, and --username/--password its digest credentials. Sends PCMA silence and the --press digits (RFC 4733) after the answer, waits for the far end's BYE or --max-seconds, and prints every SIP message, the first RTP packets, the digits and the end. With an API key it then prints the call's CDR (GET /v1/calls, matched by Call-ID). Exit code 0 when the call was answered; 3 for 401/403, 4 for 404, 5 when nothing answered, 1 for other refusals.";
  static override examples = [
    '<%= config.bin %> call test --to +35929000002 --from +35929000001 --username office-pbx --password s3cret --press 1,2',
    {
      description: 'Call a remote server, credentials from the environment.',
      command: 'PROLOPE_SIP_PASSWORD=s3cret <%= config.bin %> call test --sip sip.example.com:5060 --to +35929000002 --from +35929000001 --username office-pbx',
    },
  ];
  static override flags = {
    to: Flags.string({ description: "The number to call (a number the trunk's account holds).", required: true }),
    from: Flags.string({ description: "The caller ID; must be in the trunk's allowed_caller_ids.", required: true }),
    sip: Flags.string({ description: "The SIP endpoint, host[:port]; default: the address the server's health shows (its public SIP address)." }),
    username: Flags.string({ description: 'Digest username of the SIP trunk.', env: 'PROLOPE_SIP_USERNAME' }),
    password: Flags.string({ description: 'Digest password of the SIP trunk.', env: 'PROLOPE_SIP_PASSWORD' }),
    press: Flags.string({ description: 'DTMF digits to send after the answer: 1,2 or 12 (0-9, *, #, A-D).' }),
    'max-seconds': Flags.integer({ description: 'Hang up (or cancel) after this many seconds.', default: 30, min: 1, max: 3600 }),
    'digit-delay-ms': Flags.integer({ description: 'Wait after the answer before the first digit.', default: 1000, min: 0, max: 60_000 }),
    'digit-gap-ms': Flags.integer({ description: 'From the start of one digit to the start of the next.', default: 700, min: 150, max: 60_000 }),
    'local-address': Flags.string({
      description: 'Address to send from (what allowed_ips must hold); default: 127.0.0.1 for a loopback target, else 0.0.0.0.',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(CallTest);
    const connection = this.connect(flags, { requireKey: false });
    const sip = flags.sip !== undefined ? parseSipTarget(flags.sip) : await this.serverSip(connection);
    if ((flags.username === undefined) !== (flags.password === undefined)) {
      throw new CliError('usage_error', 'Give both --username and --password (or PROLOPE_SIP_USERNAME and PROLOPE_SIP_PASSWORD), or neither.');
    }
    // Loaded here, not at the top: other commands start without the server's dependencies.
    const { formatEntry, parseDigits, placeTestCall } = await import('@prolope/server');
    let press: string[];
    try {
      press = parseDigits(flags.press);
    } catch (err) {
      throw new CliError('usage_error', `--press: ${(err as Error).message}`);
    }
    const json = this.jsonEnabled();
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once('SIGINT', onSignal);
    let result: TestCallResult;
    try {
      result = await placeTestCall({
        to: flags.to,
        from: flags.from,
        host: sip.host,
        port: sip.port,
        username: flags.username,
        password: flags.password,
        press,
        maxDurationMs: flags['max-seconds'] * 1000,
        firstDigitDelayMs: flags['digit-delay-ms'],
        digitGapMs: flags['digit-gap-ms'],
        ...(flags['local-address'] ? { localAddress: flags['local-address'] } : {}),
        signal: interrupt.signal,
        onEntry: json ? undefined : (entry) => writeOut(formatEntry(entry)),
      });
    } catch (err) {
      // Only setup can throw (a host that does not resolve, an address we cannot bind): nothing was dialled.
      throw new CliError('connection_failed', `Could not place the test call to ${sip.host}:${sip.port}: ${(err as Error).message}`, { cause: err });
    } finally {
      process.off('SIGINT', onSignal);
    }
    if (!json) writeOut(summaryLines(result).join('\n'));

    // Nothing reached a server when nothing answered, so there is no call record to look for.
    const cdr = result.noResponse ? null : await this.cdrOf(result, connection, flags.to);
    if (json) writeJson({ ...result, cdr });
    if (!result.answered) throw new CliError(refusalCode(result), `The call was not answered: ${result.end.text}`);
  }

  private serverSip(connection: ReturnType<ApiCommand['connect']>): Promise<{ host: string; port: number }> {
    return serverSipAddress(connection, (text) => this.note(text));
  }

  /** Looks the call up by Call-ID and prints it; a missing key or a failed lookup is a note, never the command's failure. */
  private async cdrOf(result: TestCallResult, connection: ReturnType<ApiCommand['connect']>, to: string): Promise<Cdr | null> {
    if (!connection.credentials.apiKey) {
      this.note('No API key, so no CDR: run `prolope login` (or set PROLOPE_API_KEY) with a key of the account that holds the number to see it.');
      return null;
    }
    try {
      const cdr = await findCdr(connection.client, result.callId);
      if (!this.jsonEnabled()) writeOut(cdr ? callLine(cdr) : noCdrLine(result, to));
      return cdr;
    } catch (err) {
      this.note(`Could not read the CDR: ${toCliError(err).message}`);
      return null;
    }
  }
}

/**
 * Splits `host[:port]` (port 5060 when absent).
 *
 * @throws CliError `usage_error` for an empty host or a port outside 1-65535.
 * @example
 * ```ts
 * parseSipTarget('sip.example.com'); // { host: 'sip.example.com', port: 5060 }
 * ```
 */
export function parseSipTarget(value: string): { host: string; port: number } {
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(value.trim());
  const port = m?.[2] === undefined ? 5060 : Number(m[2]);
  if (!m || port < 1 || port > 65535) throw new CliError('usage_error', `--sip must be host or host:port (IPv4 or a name), got "${value}".`);
  return { host: m[1] as string, port };
}

/** The documented exit code that fits a refusal: credentials 3, unknown number 4, silence 5, else 1. */
function refusalCode(result: TestCallResult): CliErrorCode {
  return result.noResponse ? 'connection_failed' : sipRefusalCode(result.status);
}
