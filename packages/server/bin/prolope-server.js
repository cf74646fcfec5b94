#!/usr/bin/env node
// The `prolope-server` program. A file of its own, not dist/main.js itself: pnpm links bins when it
// installs, before anything is built, and warns about a bin whose file does not exist yet.
await import('../dist/main.js');
