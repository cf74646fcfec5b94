import { BaseCommand, wideFlag } from '../base-command.js';
import { configPath, readConfig } from '../config-file.js';
import { DEFAULT_PROFILE } from '../credentials.js';
import { maskKey } from '../mask.js';
import { renderTable } from '../table.js';

/**
 * `prolope profiles`: lists the saved profiles, keys masked, the default one marked.
 *
 * @example
 * ```ts
 * await Profiles.run(['--json']);
 * ```
 */
export class Profiles extends BaseCommand {
  static override summary = 'List saved profiles';
  static override description = 'Keys are masked. The default profile is marked (default); PROLOPE_PROFILE or --profile picks another per command.';
  static override examples = ['<%= config.bin %> profiles', '<%= config.bin %> profiles --json'];
  static override flags = { wide: wideFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Profiles);
    const config = readConfig();
    const defaultName = config.default_profile ?? DEFAULT_PROFILE;
    const profiles = Object.entries(config.profiles).map(([name, p]) => ({
      name,
      default: name === defaultName,
      base_url: p.base_url,
      api_key: maskKey(p.api_key),
      account_id: p.account_id ?? null,
      account_name: p.account_name ?? null,
    }));
    this.print({ config_path: configPath(), profiles }, ({ profiles: list, config_path }) => {
      if (list.length === 0) return `No profiles in ${config_path}. Run \`prolope login\` or \`prolope dev\`.`;
      const rows = list.map((p) => [p.default ? `${p.name} (default)` : p.name, p.base_url, p.api_key, p.account_name ?? '-', p.account_id ?? '-']);
      return renderTable(rows, { header: ['NAME', 'BASE URL', 'API KEY', 'ACCOUNT', 'ACCOUNT ID'], ...this.layout(flags) });
    });
  }
}
