// `dpsim report`: the three files per scenario, one junit.xml for several, reports for a
// scenario that cannot run, and the run's exit code.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportScenarios, writeReports } from '../../src/cli/report.js';
import { parseXml, childrenNamed } from './xml-parse.js';
import { DEFAULT_SCENARIO, ROOT, defaultEmuOutcome } from './fixtures.js';

describe('dpsim report', () => {
  it('writeReports writes summary.json, junit.xml and report.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpsim-report-'));
    const files = await writeReports(await defaultEmuOutcome(), join(dir, 'one'));
    expect(files).toEqual({ json: join(dir, 'one', 'summary.json'), junit: join(dir, 'one', 'junit.xml'), html: join(dir, 'one', 'report.html') });
    expect(JSON.parse(readFileSync(files.json, 'utf8')).scenario.name).toBe('default');
    expect(parseXml(readFileSync(files.junit, 'utf8')).name).toBe('testsuites');
    const html = readFileSync(files.html, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
  });

  it('reports every scenario, a broken one included, with one testsuite each and the worst exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpsim-report-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: dpsim/v1\nkind: Scenario\nname: broken\ncluster: { nodes: [] }\n');
    const r = await reportScenarios([DEFAULT_SCENARIO, broken], 'emu', join(dir, 'out'));
    const emuExit = (await defaultEmuOutcome()).exitCode;
    expect(r.runs.map((x) => x.exitCode)).toEqual([emuExit, 3]);
    expect(r.exitCode).toBe(Math.max(emuExit, 3));
    for (const run of r.runs) for (const f of Object.values(run.files)) expect(existsSync(f)).toBe(true);
    expect(r.runs.map((x) => x.dir)).toEqual([join(dir, 'out', 'default'), join(dir, 'out', 'broken')]);
    const suites = childrenNamed(parseXml(readFileSync(r.junit, 'utf8')), 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['default', 'broken']);
    const error = childrenNamed(childrenNamed(suites[1]!, 'testcase')[0]!, 'error')[0]!;
    expect(error.attrs.message).toMatch(/broken\.yaml/);
    expect(suites[1]!.attrs.errors).toBe('1');
    expect(JSON.parse(readFileSync(r.runs[1]!.files.json, 'utf8')).error.message).toMatch(/nodes/);
  });

  it('as a command: writes the files and exits with the run\'s exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpsim-report-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/dpsim.js'), 'report', DEFAULT_SCENARIO, '--backend', 'emu', '--out', dir], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(r.status).toBe(summary.exitCode);
    expect(r.stdout).toContain(join(dir, 'report.html'));
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
  }, 120_000);
});
