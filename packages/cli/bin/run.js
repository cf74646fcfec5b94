#!/usr/bin/env node
import { readFileSync } from 'node:fs';

const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const argv = process.argv.slice(2);

if (argv.length === 1 && ['--version', '-v', 'version'].includes(argv[0])) {
  // Answered before anything else is loaded: importing oclif and the command table takes several
  // times as long as starting Node (bench/cli). The same line as versionLine() in commands/version.ts.
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  const { fileURLToPath } = await import('node:url');
  const { execute, settings } = await import('@oclif/core');
  const { topics } = await import('../dist/commands.js');

  // Always run the compiled commands in dist/, even with NODE_ENV=development or test.
  settings.enableAutoTranspile = false;

  // Same as execute({ dir: import.meta.url }), plus topic help generated from the operation table,
  // and the hook that answers an unknown command with the closest ones (src/not-found.ts).
  const root = fileURLToPath(new URL('..', import.meta.url));
  pjson.oclif.topics = { ...topics, ...pjson.oclif.topics };
  pjson.oclif.hooks = { ...pjson.oclif.hooks, command_not_found: { target: './dist/commands.js', identifier: 'commandNotFound' } };

  await execute({ loadOptions: { root, pjson } });
}
