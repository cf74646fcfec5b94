// Holds each mutated module to the floor: Stryker's own `thresholds.break` judges the whole run, where a
// weak module could hide behind strong ones. Reads the JSON report Stryker just wrote.
import { readFileSync } from 'node:fs';

const FLOOR = 90;
const MODULES = [
  ['rules: calendar', /^packages\/rules\/src\/calendar\//],
  ['rules: sla', /^packages\/rules\/src\/sla\//],
  ['rules: capacity', /^packages\/rules\/src\/capacity\.ts$/],
  ['rules: billing', /^packages\/rules\/src\/billing\//],
  ['rules: schedule', /^packages\/rules\/src\/schedule\//],
  ['rules: flows', /^packages\/rules\/src\/flows\//],
  ['webhooks: signature', /^packages\/webhooks\/src\//],
];
// Killed and timed-out mutants are detected; survivors and uncovered ones are not. Ignored mutants
// (error-message wording) and mutants that do not compile or run do not count.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const report = JSON.parse(readFileSync(new URL('../../reports/mutation/mutation.json', import.meta.url), 'utf8'));
const totals = new Map(MODULES.map(([name]) => [name, { detected: 0, undetected: 0, files: {} }]));
for (const [file, { mutants }] of Object.entries(report.files)) {
  const path = file.replace(/\\/g, '/');
  const module = MODULES.find(([, pattern]) => pattern.test(path));
  if (!module) throw new Error(`${path} was mutated but belongs to no module in check-scores.mjs`);
  const total = totals.get(module[0]);
  for (const { status } of mutants) {
    if (DETECTED.has(status)) total.detected++;
    else if (UNDETECTED.has(status)) total.undetected++;
  }
}

let failed = false;
for (const [name, { detected, undetected }] of totals) {
  const valid = detected + undetected;
  if (valid === 0) {
    console.error(`${name}: no mutants; the mutate globs in stryker.config.mjs no longer reach it`);
    failed = true;
    continue;
  }
  const score = (100 * detected) / valid;
  const ok = score >= FLOOR;
  if (!ok) failed = true;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${score.toFixed(2)} % (${detected} of ${valid} mutants detected; floor ${FLOOR} %)`);
}
if (failed) process.exit(1);
