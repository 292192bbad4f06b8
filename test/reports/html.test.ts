// The HTML report in a real headless Chromium (Debian's /usr/bin/chromium through
// playwright-core), loaded from `dpsim serve` on 127.0.0.1: topology, steps, the flow table
// and its filters, the packet path of a step, the trace on demand, and a planted
// emulator-vs-kernel divergence highlighted to the field. Screenshots are kept in
// reports/out/test-artifacts/. Without Chromium the tests are skipped with the reason printed
// (CI counts a skip as a failure, as intended).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunOutcome } from '../../src/cli/run.js';
import { writeReports } from '../../src/cli/report.js';
import { serveReports, type RunningServer } from '../../src/cli/serve.js';
import { reportContext, type ReportContext } from '../../reports/context.js';
import { stepOutcome } from '../../reports/step-outcome.js';
import { compactLine } from '../../src/observe/flows.js';
import { ROOT, defaultEmuOutcome, plantedOutcome, type Planted } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const ARTIFACTS = join(ROOT, 'reports', 'out', 'test-artifacts');
const skipReason = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (setup.sh installs Debian's chromium)`;
if (skipReason) console.warn(`test/reports/html.test.ts: skipping the browser tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('HTML report in headless Chromium', () => {
  let server: RunningServer, browser: BrowserContext, userDataDir: string;
  let emu: RunOutcome, emuCtx: ReportContext, planted: Planted;
  const problems: string[] = [];

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    emu = await defaultEmuOutcome();
    emuCtx = reportContext(emu);
    planted = await plantedOutcome();
    await writeReports(emu, join(ARTIFACTS, 'emu'), emuCtx);
    await writeReports(planted.outcome, join(ARTIFACTS, 'planted'));
    server = await serveReports({ dir: ARTIFACTS, port: 0 });
    const { chromium } = await import('playwright-core');
    userDataDir = mkdtempSync(join(tmpdir(), 'dpsim-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Open a report; record console errors, page errors and any request leaving the server. */
  async function open(path: string, waitReady = true): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (!r.url().startsWith(server.url)) problems.push(`request outside the report: ${r.url()}`); });
    await page.goto(server.url + path);
    if (waitReady) await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  const rows = (page: Page) => page.locator('#flows-body tr').count();

  it('draws the topology and each step\'s outcome, with nothing loaded from elsewhere', async () => {
    const page = await open('emu/report.html');
    const plan = emuCtx.plan;
    expect(await page.locator('svg.topology .topo-node').count()).toBe(plan.nodes.length);
    expect(await page.locator('svg.topology .topo-pod').count()).toBe(plan.pods.length);
    expect(await page.locator('svg.topology .topo-world').count()).toBe(plan.world.length);
    expect(await page.locator('svg.topology .topo-device').count()).toBe(2 * plan.nodes.length + 2 * plan.pods.length + plan.world.length);
    for (const p of plan.pods) expect(await page.locator(`svg.topology .topo-device[data-point="${p.node}/${p.lxc.name}"]`).textContent()).toContain(p.lxc.name);
    const steps = emu.parsed.scenario.traffic.length;
    expect(await page.locator('#steps-table tbody tr').count()).toBe(steps);
    for (let i = 0; i < steps; i++) {
      expect(await page.locator(`#steps-table tbody tr[data-step="${i}"] td[data-backend="emu"] .badge`).textContent()).toBe(stepOutcome(emu.runs.emu!, i));
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('has one row per flow, and the filters change the rows', async () => {
    const page = await open('emu/report.html');
    const flows = emuCtx.flows.emu!.flows.map((f) => f.record);
    expect(flows.length).toBeGreaterThan(0);
    expect(await rows(page)).toBe(flows.length);
    expect(await page.textContent('#flow-count')).toBe(`${flows.length} of ${flows.length} flows`);

    const dropped = flows.filter((f) => f.flow.verdict === 'DROPPED').length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(flows.length);
    await page.selectOption('#filter-verdict', 'DROPPED');
    expect(await rows(page)).toBe(dropped);
    expect(await page.locator('#flows-body tr .badge', { hasText: 'FORWARDED' }).count()).toBe(0);
    await page.selectOption('#filter-verdict', '');

    const icmp = flows.filter((f) => f.flow.l4?.ICMPv4).length;
    await page.selectOption('#filter-protocol', 'icmp');
    expect(await rows(page)).toBe(icmp);
    await page.selectOption('#filter-protocol', '');

    const stranger = (f: (typeof flows)[number]) => f.flow.source.pod_name === 'stranger' || f.flow.destination.pod_name === 'stranger';
    await page.selectOption('#filter-pod', 'default/stranger');
    expect(await rows(page)).toBe(flows.filter(stranger).length);
    await page.selectOption('#filter-verdict', 'FORWARDED');
    expect(await rows(page)).toBe(flows.filter((f) => stranger(f) && f.flow.verdict === 'FORWARDED').length);
    await page.selectOption('#filter-verdict', '');
    await page.selectOption('#filter-pod', '');

    await page.fill('#filter-text', 'policy_denied');
    const denied = flows.filter((f) => compactLine(f).toLowerCase().includes('policy_denied')).length;
    expect(denied).toBeGreaterThan(0);
    expect(await rows(page)).toBe(denied);
    expect(await page.textContent('#flow-count')).toBe(`${denied} of ${flows.length} flows`);
    await page.fill('#filter-text', 'no such text anywhere');
    expect(await rows(page)).toBe(0);
    await page.fill('#filter-text', '');
    expect(await rows(page)).toBe(flows.length);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws the chosen step\'s packets as a path with a node per observation point', async () => {
    const page = await open('emu/report.html');
    const hooks = new Map(emuCtx.plan.nodes.flatMap((n) => n.attachments.map((a) => [`${n.name}/${a.device}:${a.direction}`, `tc ${a.direction}: ${a.object} ${a.program}`])));
    for (let step = 0; step < emu.parsed.scenario.traffic.length; step++) {
      await page.selectOption('#path-step', String(step));
      const packets = emu.runs.emu!.run.packets.filter((p) => p.step === step).sort((a, b) => a.timeNs - b.timeNs);
      const points = [...new Set(packets.map((p) => p.point))];
      const nodes = page.locator('#path svg .path-node');
      expect(await nodes.count()).toBe(points.length);
      expect(await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-point')))).toEqual(points);
      for (const p of points) {
        expect(await page.locator(`#path svg .path-node[data-point="${p}"] .path-hook`).textContent()).toBe(hooks.get(p) ?? 'no program attached');
      }
      expect(await page.locator('#packets-body tr').count()).toBe(packets.length);
      const devices = new Set(points.map((p) => p.replace(/:(ingress|egress)$/, '')));
      expect(await page.locator('svg.topology .topo-device.on-path').count()).toBe(devices.size);
    }
    // Clicking an observation point keeps only its packets.
    await page.selectOption('#path-step', '1');
    const point = (await page.locator('#path svg .path-node').nth(1).getAttribute('data-point'))!;
    await page.locator('#path svg .path-node').nth(1).click();
    const atPoint = emu.runs.emu!.run.packets.filter((p) => p.step === 1 && p.point === point).length;
    expect(await page.locator('#packets-body tr').count()).toBe(atPoint);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the step\'s instruction trace with C source lines when "trace" is clicked', async () => {
    const page = await open('emu/report.html');
    expect(await page.locator('#trace').isVisible()).toBe(false);
    await page.selectOption('#filter-step', '1');
    await page.locator('#flows-body tr button.trace-button').first().click();
    expect(await page.locator('#trace').isVisible()).toBe(true);
    expect(await page.textContent('#trace-title')).toContain('step 1');
    const lines = (await page.textContent('#trace-lines'))!.split('\n').filter(Boolean);
    expect(lines.some((l) => /^; bpf\/.*\.[ch]:\d+: /.test(l))).toBe(true);
    expect(lines.some((l) => /^\s+\d+: /.test(l))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(401);
    expect(await page.textContent('#trace-info')).toMatch(/cil_from_container|cil_from_netdev|cil_from_overlay|cil_to_/);
    // And from a packet row of the path view.
    await page.selectOption('#path-step', '0');
    await page.locator('#packets-body button.trace-button').first().click();
    expect(await page.textContent('#trace-title')).toContain('step 0');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('highlights a planted divergence to the field, on the steps, the path and the topology', async () => {
    const page = await open('planted/report.html');
    const divergences = planted.outcome.comparison!.divergences;
    expect(await page.locator('.divergence').count()).toBe(divergences.length);

    const packetDiv = page.locator('.divergence[data-kind="packets"]', { hasText: planted.point }).first();
    // The first table lists the fields that differ (the full field list is folded away below it).
    const ttl = packetDiv.locator('table.fields').first().locator('tr.diff-field').filter({ has: page.locator('td:first-child', { hasText: /^ip\.ttl$/ }) });
    expect(await ttl.count()).toBe(1);
    const [, e, k] = await ttl.locator('td').allTextContents();
    expect(Number(k)).toBe(Number(e) - 1);
    expect(await packetDiv.locator('.side-emulator').textContent()).toMatch(/^emulator: /);
    expect(await packetDiv.locator('.side-kernel').textContent()).toMatch(/^kernel: /);

    const stepRow = page.locator(`#steps-table tbody tr[data-step="${planted.dropStep}"]`);
    expect(await stepRow.locator('td.diverges').textContent()).toContain('drops');
    expect(await stepRow.locator('td[data-backend="kernel"] .badge').textContent()).toBe('fail');
    expect(await stepRow.locator('td[data-backend="emu"] .badge').textContent()).toBe(stepOutcome(planted.outcome.runs.emu!, planted.dropStep));

    await page.selectOption('#path-step', String(planted.step));
    await page.selectOption('#path-backend', 'kernel');
    expect(await page.locator(`#path svg .path-node.diverges[data-point="${planted.point}"]`).count()).toBe(1);
    expect(await page.locator('#packets-body tr.diverges').count()).toBeGreaterThan(0);
    expect(await page.locator(`svg.topology .topo-device.diverges[data-point="${planted.point.replace(/:(ingress|egress)$/, '')}"]`).count()).toBe(1);
    await page.locator('#packets-body tr.diverges button.diff-button').first().click();
    expect(await page.locator('.divergence.focus').count()).toBe(1);

    const shot = join(ARTIFACTS, 'report-divergence.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot of the report with a planted divergence: ${shot}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('is listed by dpsim serve, and a screenshot of the emulator report is kept', async () => {
    const index = await open('', false);
    expect(await index.locator('a[href="emu/report.html"]').count()).toBe(1);
    expect(await index.locator('a[href="planted/report.html"]').count()).toBe(1);
    await index.close();
    const page = await open('emu/report.html');
    await page.selectOption('#path-step', '1');
    const shot = join(ARTIFACTS, 'report-emu.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot of the emulator report: ${shot}`);
    expect(existsSync(shot)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
