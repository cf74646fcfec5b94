import { CliError } from './errors.js';

/** The server package `prolope dev` runs: an optional peer of the CLI, not a dependency. */
export const SERVER_PACKAGE = '@prolope/server';

/**
 * Whether `err` says that `name` itself is not installed (not one of its own dependencies, and not
 * a broken install of it, which must surface as they are).
 *
 * @example
 * ```ts
 * isPackageMissing(err, '@prolope/server'); // true for "Cannot find package '@prolope/server' imported from …"
 * ```
 */
export function isPackageMissing(err: unknown, name: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    err instanceof Error &&
    (err.message.includes(`'${name}'`) || err.message.includes(`"${name}"`))
  );
}

/**
 * The message `prolope dev` prints when the server is missing: what happened, why, and the exact
 * install commands, with the version range this CLI accepts (its peer range).
 *
 * @example
 * ```ts
 * serverMissingMessage('>=0.1.0 <1.0.0');
 * ```
 */
export function serverMissingMessage(range: string | undefined): string {
  // In the monorepo the range still carries pnpm's `workspace:` prefix; `pnpm pack` removes it.
  const bare = range?.replace(/^workspace:/, '');
  const spec = bare ? `"${SERVER_PACKAGE}@${bare}"` : SERVER_PACKAGE;
  return [
    `\`prolope dev\` runs the Prolope server, and ${SERVER_PACKAGE} is not installed next to this CLI.`,
    'The CLI does not install it for you: it builds a native SQLite module (better-sqlite3), which every other command does without.',
    `Installed the CLI with npm install -g? Then run: npm install -g ${spec}`,
    `Installed it in a project? Then run there: npm install ${spec}`,
  ].join('\n');
}

/**
 * Loads `@prolope/server` for `prolope dev`. The server is an optional peer dependency of the CLI
 * (so `npm install -g prolope` stays quick and needs no C++ toolchain); when it is missing this
 * throws a {@link CliError} `server_not_installed` that says how to install it.
 *
 * @example
 * ```ts
 * const { startServer } = await loadServer('>=0.1.0 <1.0.0');
 * ```
 */
export async function loadServer(range: string | undefined): Promise<typeof import('@prolope/server')> {
  try {
    // Loaded only here, not at the top of any module: every other command starts without the
    // server's dependencies, and without the server installed at all.
    return await import('@prolope/server');
  } catch (err) {
    if (isPackageMissing(err, SERVER_PACKAGE)) throw new CliError('server_not_installed', serverMissingMessage(range), { cause: err });
    throw err;
  }
}
