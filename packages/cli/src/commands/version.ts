import { BaseCommand } from '../base-command.js';

/**
 * What `prolope version --json` prints.
 *
 * @example
 * ```ts
 * const v: VersionInfo = { object: 'version', name: 'prolope', version: '0.1.0', platform: 'linux', arch: 'x64', node: 'v20.19.0' };
 * ```
 */
export interface VersionInfo {
  object: 'version';
  name: string;
  version: string;
  platform: string;
  arch: string;
  node: string;
}

/**
 * The one line `prolope version`, `prolope --version` and `prolope -v` print. bin/run.js builds the
 * same line itself (it answers those three before loading oclif), so keep the two alike.
 *
 * @example
 * ```ts
 * versionLine({ object: 'version', name: 'prolope', version: '0.1.0', platform: 'linux', arch: 'x64', node: 'v20.19.0' });
 * // 'prolope/0.1.0 linux-x64 node-v20.19.0'
 * ```
 */
export function versionLine(v: VersionInfo): string {
  return `${v.name}/${v.version} ${v.platform}-${v.arch} node-${v.node}`;
}

/**
 * `prolope version`: the CLI's version, platform and Node version, as one line or JSON.
 *
 * @example
 * ```ts
 * await Version.run(['--json']);
 * ```
 */
export class Version extends BaseCommand {
  static override summary = 'Print the version';
  static override description =
    'The same line as prolope --version and prolope -v: name/version, platform-arch and the Node version. Include it in bug reports.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> --version', '<%= config.bin %> version --json'];

  async run(): Promise<void> {
    await this.parse(Version);
    const info: VersionInfo = {
      object: 'version',
      name: this.config.name,
      version: this.config.version,
      platform: process.platform,
      arch: process.arch,
      node: process.version,
    };
    this.print(info, versionLine);
  }
}
