#!/usr/bin/env node
// `npm test`: vitest over test/, then one closing line "N passed, N failed, N skipped".
// With CI=true a skipped test is a failure: CI has root, BPF and every tool, so a skip there
// would hide a regression.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';

mkdirSync('.vitest-results', { recursive: true });
const out = '.vitest-results/results.json';
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const res = spawnSync('npx', args, { stdio: 'inherit' });
let summary;
try {
  summary = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  console.error('test: vitest wrote no results');
  process.exit(res.status || 1);
}
const passed = summary.numPassedTests;
const failed = summary.numFailedTests;
const skipped = summary.numPendingTests + summary.numTodoTests;
if (process.env.CI === 'true' && skipped > 0) {
  for (const file of summary.testResults) {
    for (const t of file.assertionResults) if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') console.error(`skipped in CI: ${file.name}: ${t.fullName}`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const ok = res.status === 0 && failed === 0 && passed > 0 && !(process.env.CI === 'true' && skipped > 0);
process.exit(ok ? 0 : 1);
