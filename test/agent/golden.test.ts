// The whole plan of a small scenario (test/agent/fixtures/small.yaml) against a checked-in
// copy, so any change to what the backends receive shows up in review as a diff of
// small-plan.json. After an intended change, regenerate it with
//   DPSIM_UPDATE_FIXTURES=1 npx vitest run test/agent/golden.test.ts
// and read the diff before committing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { buildPlan } from '../../src/agent/index.js';
import { loadScenario } from '../../src/scenario/parse.js';
import { datapathDir } from './helpers.js';

const SCENARIO = new URL('fixtures/small.yaml', import.meta.url).pathname;
const GOLDEN = new URL('fixtures/small-plan.json', import.meta.url).pathname;

test('the plan of fixtures/small.yaml matches fixtures/small-plan.json', () => {
  const json = JSON.stringify(buildPlan(loadScenario(SCENARIO), { datapathDir: datapathDir() }), null, 1) + '\n';
  if (process.env.DPSIM_UPDATE_FIXTURES === '1') writeFileSync(GOLDEN, json);
  expect(json).toBe(readFileSync(GOLDEN, 'utf8'));
});
