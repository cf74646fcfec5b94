import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { Prolope } from '@prolope/sdk';
import { BaseCommand } from '../base-command.js';
import { configPath, readConfig, writeConfig } from '../config-file.js';
import { loadServer, SERVER_PACKAGE } from '../load-server.js';
import { writeOut } from '../output.js';

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

/** Resolves on the first SIGINT or SIGTERM; `dispose` removes the handlers either way. */
function untilSignal(): { stopped: Promise<NodeJS.Signals>; dispose: () => void } {
  let stop: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((done) => {
    stop = (signal) => done(signal);
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/**
 * `prolope dev`: runs the Prolope server in this process on embedded SQLite, prints its URL and
 * (on a fresh data dir) the operator key, and saves a `dev` profile when none exists yet.
 * Stops on Ctrl+C (SIGINT) or SIGTERM.
 *
 * @example
 * ```ts
 * await Dev.run(['--port', '0', '--data-dir', '/tmp/prolope']);
 * ```
 */
export class Dev extends BaseCommand {
  static override summary = 'Run a local Prolope server';
  static override description =
    'Starts the API in this process with embedded SQLite under --data-dir. On a fresh data dir it creates the platform operator key and prints it once; when you have no profile yet it is saved as the "dev" profile (and made the default), so the next commands just work. Runs until Ctrl+C.';
  static override examples = ['<%= config.bin %> dev', '<%= config.bin %> dev --port 4000 --data-dir ./.prolope-test'];
  static override flags = {
    port: Flags.integer({ description: 'Port to listen on; 0 picks a free one.', default: 3000, min: 0, max: 65535 }),
    host: Flags.string({ description: 'Interface to listen on.', default: '127.0.0.1' }),
    'sip-port': Flags.integer({ description: 'UDP port for SIP (terms 5.1: 5060); 0 picks a free one.', default: 5060, min: 0, max: 65535 }),
    'data-dir': Flags.string({ description: 'Folder for the SQLite database.', default: '.prolope' }),
    profile: Flags.string({ description: 'Name of the profile saved when none exists yet.', default: 'dev' }),
    'log-level': Flags.string({ description: 'Server request log level.', options: [...LOG_LEVELS], default: 'warn' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Dev);
    const peers = this.config.pjson.peerDependencies as Record<string, string> | undefined;
    const { startServer } = await loadServer(peers?.[SERVER_PACKAGE]);
    const dataDir = resolve(flags['data-dir']);
    const level = flags['log-level'];
    const server = await startServer({
      config: { port: flags.port, host: flags.host, dataDir, sipPort: flags['sip-port'], sipHost: flags.host },
      // Request logs go to stderr, so stdout stays the command's own output (one JSON line with --json).
      logger: level === 'silent' ? false : { level, stream: process.stderr },
    });
    const signal = untilSignal();
    try {
      const operatorKey = server.createdOperatorKey;
      const config = readConfig();
      let savedProfile: string | null = null;
      if (operatorKey && Object.keys(config.profiles).length === 0) {
        const me = (await new Prolope({ apiKey: operatorKey, baseUrl: server.url }).request('accounts.me')) as { id: string; name: string };
        config.profiles[flags.profile] = { api_key: operatorKey, base_url: server.url, account_id: me.id, account_name: me.name };
        config.default_profile = flags.profile;
        writeConfig(config);
        savedProfile = flags.profile;
      }
      const info = {
        url: server.url,
        data_dir: dataDir,
        operator_key: operatorKey ?? null,
        profile: savedProfile,
        config_path: configPath(),
        stocked_test_numbers: server.stockedTestNumbers,
      };
      if (this.jsonEnabled()) {
        // One line, so scripts can read it as soon as the server is up.
        writeOut(JSON.stringify(info));
      } else {
        const lines = [`Prolope dev server listening on ${info.url}`, `Data: ${dataDir}`];
        if (operatorKey) lines.push(`Operator key (shown only now): ${operatorKey}`);
        else lines.push('Existing data dir: the operator key was printed when it was created (or set PROLOPE_OPERATOR_KEY).');
        const stocked = server.stockedTestNumbers;
        if (stocked.length > 0) lines.push(`Stocked ${stocked.length} free test numbers to buy: ${stocked[0]} to ${stocked.at(-1)} (prolope numbers buy ${stocked[0]})`);
        if (savedProfile) lines.push(`Saved profile "${savedProfile}" as the default, so \`prolope accounts me\` works now.`);
        else if (operatorKey)
          lines.push(`Profiles exist already; use it with: prolope login --profile ${flags.profile} --base-url ${info.url} --api-key ${operatorKey}`);
        lines.push('Press Ctrl+C to stop.');
        writeOut(lines.join('\n'));
      }
      await signal.stopped;
    } finally {
      signal.dispose();
      await server.close();
    }
    this.note('Stopped.');
  }
}
