// The contract's shape: the one copy of generated code, exported as the README lists it, and bundled
// (never a runtime dependency) by the published packages.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packages = new URL('../../', import.meta.url);
const manifest = (dir: string) => JSON.parse(readFileSync(new URL(`${dir}/package.json`, packages), 'utf8'));

describe('@prolope/contract', () => {
  it('is the only package with generated code', () => {
    const withGenerated = readdirSync(packages).filter((dir) => existsSync(new URL(`${dir}/src/generated`, packages)));
    expect(withGenerated).toEqual(['contract']);
  });

  it('exports every generated file, and nothing else', () => {
    const exported = Object.values(manifest('contract').exports as Record<string, string>).map((target) => target.replace('./src/generated/', ''));
    expect(exported.sort()).toEqual(readdirSync(new URL('contract/src/generated', packages)).sort());
  });

  it('is private, and each package that uses it bundles it: a devDependency, never a dependency npm would fetch', () => {
    expect(manifest('contract').private).toBe(true);
    for (const dir of ['sdk', 'cli', 'webhooks', 'server']) {
      const pkg = manifest(dir);
      expect(pkg.devDependencies?.['@prolope/contract'], dir).toBe('workspace:*');
      expect(pkg.dependencies?.['@prolope/contract'], dir).toBeUndefined();
      expect(pkg.peerDependencies?.['@prolope/contract'], dir).toBeUndefined();
    }
  });
});
