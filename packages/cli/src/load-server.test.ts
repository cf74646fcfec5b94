import { describe, expect, test } from 'vitest';
import { isPackageMissing, loadServer, serverMissingMessage } from './load-server.js';

/** The error Node itself throws for a bare specifier that is not installed. */
async function importError(specifier: string): Promise<unknown> {
  try {
    await import(/* @vite-ignore */ specifier);
  } catch (err) {
    return err;
  }
  throw new Error(`${specifier} was found`);
}

describe('loadServer', () => {
  test('loads the server when it is installed (in the workspace it is a dev dependency)', async () => {
    const server = await loadServer('workspace:>=0.1.0 <1.0.0');
    expect(typeof server.startServer).toBe('function');
  });

  test("tells a missing package from a package's own missing dependency", async () => {
    const missing = await importError('@prolope/not-installed-anywhere');
    expect(isPackageMissing(missing, '@prolope/not-installed-anywhere')).toBe(true);
    expect(isPackageMissing(missing, '@prolope/server')).toBe(false);
    expect(isPackageMissing(new Error("Cannot find package '@prolope/server'"), '@prolope/server')).toBe(false);
    expect(isPackageMissing(null, '@prolope/server')).toBe(false);
  });

  test('the message names the command to run, with the peer range and without pnpm workspace syntax', () => {
    const message = serverMissingMessage('workspace:>=0.1.0 <1.0.0');
    expect(message).toContain('@prolope/server is not installed next to this CLI');
    expect(message).toContain('npm install -g "@prolope/server@>=0.1.0 <1.0.0"');
    expect(message).toContain('npm install "@prolope/server@>=0.1.0 <1.0.0"');
    expect(message).not.toContain('workspace:');
    expect(serverMissingMessage(undefined)).toContain('npm install -g @prolope/server\n');
  });
});
