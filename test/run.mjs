#!/usr/bin/env node
// `npm test`: vitest over test/ on the default engine (wasm), then the suites that define the
// VM's behaviour (conformance, agreement with the kernel, datapath, VM, helpers, the emulated
// topology, replay, scenario runs, benchmark checks) again on the interpreter
// (DPSIM_ENGINE=interp), so both engines are held to the same tests. Then
// one closing line "N passed, N failed, N skipped" over both passes.
// Arguments (test files or filters) run one pass on the default engine only.
// With CI=true a skipped test is a failure: CI has root, BPF and every tool, so a skip there
// would hide a regression.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';

const INTERP_SUITES = ['test/conformance', 'test/agreement', 'test/datapath', 'test/vm', 'test/helpers', 'test/topology', 'test/replay', 'test/scenario', 'test/bench'];
const extra = process.argv.slice(2);
const passes = [{ name: 'default engine (wasm)', env: {}, args: extra }];
if (extra.length === 0 && process.env.DPSIM_ENGINE === undefined) {
  passes.push({ name: 'interpreter', env: { DPSIM_ENGINE: 'interp' }, args: INTERP_SUITES });
}

mkdirSync('.vitest-results', { recursive: true });
let passed = 0, failed = 0, skipped = 0, allOk = true;
for (const [i, pass] of passes.entries()) {
  const out = `.vitest-results/results-${i}.json`;
  console.log(`\n=== tests on the ${pass.name} ===`);
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...pass.args];
  const res = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, ...pass.env } });
  let summary;
  try {
    summary = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    console.error(`test: vitest wrote no results (${pass.name})`);
    process.exit(res.status || 1);
  }
  const skips = summary.numPendingTests + summary.numTodoTests;
  passed += summary.numPassedTests;
  failed += summary.numFailedTests;
  skipped += skips;
  if (process.env.CI === 'true' && skips > 0) {
    for (const file of summary.testResults) {
      for (const t of file.assertionResults) if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') console.error(`skipped in CI: ${file.name}: ${t.fullName}`);
    }
  }
  console.log(`${pass.name}: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skips} skipped`);
  if (res.status !== 0 || summary.numFailedTests > 0 || summary.numPassedTests === 0) allOk = false;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const ok = allOk && !(process.env.CI === 'true' && skipped > 0);
process.exit(ok ? 0 : 1);
