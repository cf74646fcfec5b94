import { Flags } from '@oclif/core';
import type { StreamStatus } from '@prolope/sdk';
import { ApiCommand } from '../api-command.js';
import { CliError } from '../errors.js';
import { writeErr, writeOut } from '../output.js';
import { connectionNote, untilSignal } from './live-common.js';
import { deliveryLine, forwardEvent, forwardTarget } from './listen-forward.js';
import { generateSecret, sign } from '@prolope/webhooks';

/** Whether a value is a usable `whsec_` secret: signing with it works. */
function isSecret(value: string): boolean {
  try {
    sign({ id: 'msg_check', timestamp: 0, payload: '', secret: value });
    return value.startsWith('whsec_');
  } catch {
    return false;
  }
}

/**
 * `prolope listen`: receives the account's events over the live stream (an outbound WebSocket, so
 * no tunnel) and forwards each, signed with a secret it prints, to a local URL; one line per
 * delivery. Reconnects after a drop and resumes after the last event. Stops on Ctrl+C.
 *
 * @example
 * ```ts
 * await Listen.run(['--forward-to', 'http://localhost:4000/hooks', '--events', 'call.*']);
 * ```
 */
export class Listen extends ApiCommand {
  static override summary = "Forward the account's events to a local URL, signed";
  static override description =
    "Opens the account's live event stream (an outbound WebSocket: no tunnel or public URL needed) and POSTs every event to --forward-to with Standard Webhooks headers, signed with the secret it prints (or --secret), so your handler verifies it exactly as it will in production. Prints one line per delivery with the status and latency. Deliveries go one at a time, in order. After a dropped connection it reconnects and resumes after the last event, so none is missed. Needs the events:read scope. Runs until Ctrl+C.";
  static override examples = [
    '<%= config.bin %> listen --forward-to http://localhost:4000/hooks',
    {
      description: 'Only call events, signed with the secret your app already uses.',
      command: '<%= config.bin %> listen --forward-to http://localhost:4000/hooks --events "call.*" --secret $PROLOPE_WEBHOOK_SECRET',
    },
  ];
  static override flags = {
    'forward-to': Flags.string({ description: 'Local URL to POST each event to, e.g. http://localhost:4000/hooks.', required: true }),
    events: Flags.string({
      description: 'Event types to forward, comma-separated; prefix wildcards such as call.* work. Default: every event.',
      multiple: true,
      delimiter: ',',
    }),
    secret: Flags.string({ description: 'Sign with this whsec_ secret instead of a new one.', env: 'PROLOPE_WEBHOOK_SECRET' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Listen);
    const target = forwardTarget(flags['forward-to']);
    const secret = flags.secret?.trim() || generateSecret();
    if (!isSecret(secret)) throw new CliError('usage_error', '--secret must be a signing secret: whsec_ followed by base64 (at least 16 bytes).');
    const { client } = this.connect(flags);
    const json = this.jsonEnabled();
    const userAgent = `prolope-cli/${this.config.version} (listen)`;

    const onStatus = (status: StreamStatus) => {
      if (status.state === 'open' && !status.reconnected) {
        if (json) writeOut(JSON.stringify({ object: 'listen', status: 'ready', secret, forward_to: target.href }));
        else {
          writeOut(`Ready! Your webhook signing secret is ${secret} (forwarding to ${target.href})`);
          this.note('Press Ctrl+C to stop.');
        }
        return;
      }
      if (json) writeOut(JSON.stringify({ object: 'stream_status', ...status }));
      else {
        const note = connectionNote(status, stream.lastEventId);
        if (note) writeErr(note);
      }
    };
    const stream = client.events.stream({ types: flags.events, onStatus });
    const signal = untilSignal();
    // Ctrl+C ends the stream and abandons a delivery in flight (printed as stopped) rather than wait for a hung app.
    const stop = new AbortController();
    void signal.stopped.then(() => {
      stop.abort();
      stream.close();
    });
    try {
      for await (const event of stream) {
        const delivery = await forwardEvent(target, event, stream.raw(event), { secret, userAgent, stop: stop.signal });
        writeOut(json ? JSON.stringify(delivery) : deliveryLine(delivery));
      }
    } finally {
      signal.dispose();
      stream.close();
    }
    this.note('Stopped.');
  }
}
