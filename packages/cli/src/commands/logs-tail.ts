import { Flags } from '@oclif/core';
import type { LogEntry, StreamStatus } from '@prolope/sdk';
import { ApiCommand } from '../api-command.js';
import { writeErr, writeOut } from '../output.js';
import { clockTime, connectionNote, untilSignal } from './live-common.js';

/**
 * Whether an event type passes `--events` filters: `*`, a prefix wildcard (`call.*`) or an exact type.
 *
 * @example
 * ```ts
 * matchesEvents(['call.*'], 'call.completed'); // true
 * ```
 */
export function matchesEvents(filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

/**
 * The line `logs tail` prints for an entry: `<time> <status> <METHOD> <path> <ms> ms <request id>`
 * for a request, `<time> event <type> <event id>` for an event.
 *
 * @example
 * ```ts
 * logLine({ object: 'request_log', id: 'req_1', method: 'GET', path: '/v1/accounts/me', status: 200, duration_ms: 3.2, created_at: '2026-01-01T10:00:00.000Z', account_id: 'acct_1' });
 * // '12:00:00 200 GET /v1/accounts/me 3.2 ms req_1' (in the local time zone)
 * ```
 */
export function logLine(entry: LogEntry): string {
  const at = clockTime(new Date(entry.created_at));
  if (entry.object === 'request_log') return `${at} ${entry.status} ${entry.method} ${entry.path} ${entry.duration_ms} ms ${entry.id}`;
  return `${at} event ${entry.type} ${entry.id}`;
}

/**
 * `prolope logs tail`: the account's API requests and events, one line each, as they happen.
 *
 * @example
 * ```ts
 * await LogsTail.run(['--events', 'call.*']);
 * ```
 */
export class LogsTail extends ApiCommand {
  static override summary = "Stream the account's API requests and events live";
  static override description =
    "Opens the account's live logs stream (a WebSocket) and prints a line per API request made with any of the account's keys (time, status, method, path, duration, request id; credential-like query values masked) and per event. With --json, each request or event is printed as one line of JSON. Requests are those served by the server process you are connected to. Needs the events:read scope. Runs until Ctrl+C.";
  static override examples = [
    '<%= config.bin %> logs tail',
    { description: 'Requests and only call events, as JSON lines.', command: '<%= config.bin %> logs tail --events "call.*" --json' },
  ];
  static override flags = {
    events: Flags.string({
      description: 'Which events to show, comma-separated; prefix wildcards such as call.* work. Default: every event.',
      multiple: true,
      delimiter: ',',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LogsTail);
    const { client } = this.connect(flags);
    const json = this.jsonEnabled();
    const filters = flags.events?.length ? flags.events : ['*'];
    const onStatus = (status: StreamStatus) => {
      // With --json a script may wait for the stream to be open: say so on stdout, as a line of its own kind.
      if (json) writeOut(JSON.stringify({ object: 'stream_status', ...status }));
      else if (status.state === 'open' && !status.reconnected) this.note('Tailing API requests and events. Press Ctrl+C to stop.');
      else {
        const note = connectionNote(status, stream.lastEventId);
        if (note) writeErr(note);
      }
    };
    const stream = client.logs.stream({ onStatus });
    const signal = untilSignal();
    void signal.stopped.then(() => stream.close());
    try {
      for await (const entry of stream) {
        if (entry.object === 'event' && !matchesEvents(filters, entry.type)) continue;
        writeOut(json ? stream.raw(entry) : logLine(entry));
      }
    } finally {
      signal.dispose();
      stream.close();
    }
    this.note('Stopped.');
  }
}
