import type { Prolope } from '@prolope/sdk';
import type { Credentials } from './credentials.js';
import { type CliErrorCode, toCliError } from './errors.js';

/**
 * Where the server takes SIP, from `GET /v1/health` (no key needed): its public SIP address, so a
 * server on another port (PROLOPE_SIP_PORT) or behind NAT (PROLOPE_SIP_PUBLIC_*) is found without
 * `--sip`. When health shows none, the API's host at 5060, with a note saying so.
 *
 * @example
 * ```ts
 * const sip = await serverSipAddress(this.connect(flags, { requireKey: false }), (t) => this.note(t));
 * sip; // { host: '127.0.0.1', port: 5060 }
 * ```
 */
export async function serverSipAddress(
  connection: { client: Prolope; credentials: Credentials },
  note: (text: string) => void,
): Promise<{ host: string; port: number }> {
  const fallback = { host: new URL(connection.credentials.baseUrl).hostname, port: 5060 };
  try {
    const health = await connection.client.health.retrieve();
    if (health.sip) return { host: health.sip.host, port: health.sip.port };
    note(
      `The server at ${connection.credentials.baseUrl} has SIP off, so it shows no SIP address; trying ${fallback.host}:5060 (pass --sip host:port to choose).`,
    );
  } catch (err) {
    note(
      `Could not read the SIP address from ${connection.credentials.baseUrl} (${toCliError(err).message}); trying ${fallback.host}:5060 (pass --sip host:port to choose).`,
    );
  }
  return fallback;
}

/**
 * The documented exit code that fits a SIP refusal: credentials 3, unknown target 4, else 1.
 *
 * @example
 * ```ts
 * sipRefusalCode(403); // 'permission_denied'
 * ```
 */
export function sipRefusalCode(status: number): CliErrorCode {
  if (status === 401 || status === 407) return 'authentication_failed';
  if (status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  return 'api_error';
}
