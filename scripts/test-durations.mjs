// Writes test/durations.json, the seconds each test file took, from a vitest JSON report
// (`vitest run --reporter=json --outputFile=<report>`): test/sequencer.ts starts the longest first.
// Usage: `pnpm test:durations` (runs the suite), or node scripts/test-durations.mjs <report.json>.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [reportPath] = process.argv.slice(2);
if (!reportPath) {
  console.error('usage: node scripts/test-durations.mjs <vitest-report.json>');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const durations = Object.fromEntries(
  report.testResults.map((r) => [relative(root, r.name), Math.round((r.endTime - r.startTime) / 100) / 10]).sort(([a], [b]) => (a < b ? -1 : 1)),
);
const out = fileURLToPath(new URL('../test/durations.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(durations, null, 2)}\n`);
console.log(`${Object.keys(durations).length} test files' durations written to ${relative(root, out)}`);
