#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute, settings } from '@oclif/core';
import { topics } from '../dist/commands.js';

// Always run the compiled commands in dist/, even with NODE_ENV=development or test.
settings.enableAutoTranspile = false;

// Same as execute({ dir: import.meta.url }), plus topic help generated from the operation table,
// and the hook that answers an unknown command with the closest ones (src/not-found.ts).
const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
pjson.oclif.topics = { ...topics, ...pjson.oclif.topics };
pjson.oclif.hooks = { ...pjson.oclif.hooks, command_not_found: { target: './dist/commands.js', identifier: 'commandNotFound' } };

await execute({ loadOptions: { root, pjson } });
