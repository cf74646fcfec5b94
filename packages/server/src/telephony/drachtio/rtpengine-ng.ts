import { Client, type NgDictionary, type NgResponse } from 'rtpengine-client';

/**
 * A small typed face over rtpengine's ng control protocol (bencode over UDP, each request tagged with
 * a cookie; see rtpengine's ng_control_protocol docs), carried by `rtpengine-client`. It turns
 * `result: error` answers into thrown Errors, so callers never forget to check.
 */
export interface RtpengineAddress {
  host: string;
  port: number;
  /** How long to wait for an answer before failing the command (UDP can lose it). */
  timeoutMs?: number;
}

export class RtpengineError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`rtpengine ${command} failed: ${reason}`);
    this.name = 'RtpengineError';
  }
}

// No `play media`: prompts are played by our media plane behind rtpengine (rtpengine-media.ts).
type CommandName = 'ping' | 'offer' | 'answer' | 'delete' | 'query' | 'startRecording' | 'stopRecording';

export class RtpengineNg {
  readonly #client: Client;
  readonly #target: RtpengineAddress;

  constructor(target: RtpengineAddress) {
    this.#target = target;
    this.#client = new Client({ timeout: target.timeoutMs ?? 3000 });
    // rtpengine-client re-emits socket errors and late/unmatched answers as 'error'; an unheard
    // 'error' would crash the process, and each command already reports its own failure.
    this.#client.on('error', () => {});
  }

  async command(name: CommandName, params: NgDictionary): Promise<NgResponse> {
    let res: NgResponse;
    try {
      res = await this.#client[name](this.#target.port, this.#target.host, params);
    } catch (err) {
      throw new RtpengineError(name, err instanceof Error ? err.message : String(err));
    }
    if (res.result === 'error') throw new RtpengineError(name, res['error-reason'] ?? 'unknown error');
    return res;
  }

  /** Checks rtpengine answers at all (the ng `ping`, answered with `pong`). */
  async ping(): Promise<void> {
    const res = await this.command('ping', {});
    if (res.result !== 'pong') throw new RtpengineError('ping', `unexpected result ${res.result}`);
  }

  close(): void {
    this.#client.close();
  }
}
