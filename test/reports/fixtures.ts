// Realistic run outcomes for the report tests: the default scenario on the emulator, and the
// same run with a fake kernel run planted next to it (a copy of the emulator's, with one
// packet's TTL lowered and one step's drop reason changed), compared as `dpsim run` would.

import { resolve } from 'node:path';
import { runScenarioFile, type RunOutcome } from '../../src/cli/run.js';
import { compareRuns } from '../../src/diff/scenario-diff.js';
import { checkExpectations } from '../../src/scenario/expect.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import type { BackendRun, CapturedPacket } from '../../src/backends/types.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DEFAULT_SCENARIO = resolve(ROOT, 'scenarios/default.yaml');

let emu: Promise<RunOutcome> | undefined;

export function defaultEmuOutcome(): Promise<RunOutcome> {
  emu ??= runScenarioFile(DEFAULT_SCENARIO, 'emu');
  return emu;
}

const isIpv4 = (f: Uint8Array) => f.length >= 34 && f[12] === 0x08 && f[13] === 0x00;

function ipChecksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) if (i !== 10) sum += (header[i]! << 8) | header[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The frame with its IPv4 TTL one lower (and the header checksum fixed). */
function lowerTtl(frame: Uint8Array): Uint8Array {
  const f = frame.slice();
  f[22] = (f[22]! + 255) & 0xff;
  const ihl = (f[14]! & 0x0f) * 4;
  const c = ipChecksum(f.subarray(14, 14 + ihl));
  f[24] = c >> 8;
  f[25] = c & 0xff;
  return f;
}

export interface Planted {
  outcome: RunOutcome;
  /** Where the packet divergence is: its observation point and step. */
  point: string;
  step: number;
  /** The step whose drop reason differs on the "kernel". */
  dropStep: number;
}

/** The packet to alter: an IPv4 packet of a cross-node step seen at a node device, preferring node2's lxc. */
function pickPacket(packets: CapturedPacket[]): CapturedPacket {
  const candidates = packets.filter((p) => isIpv4(p.frame) && !p.point.startsWith('pod:') && !p.point.startsWith('world:'));
  const p = candidates.find((c) => c.point === 'node2/lxcapi-2:egress') ?? candidates[0];
  if (!p) throw new Error('the default scenario captured no IPv4 packet at a node device');
  return p;
}

export async function plantedOutcome(): Promise<Planted> {
  const base = await defaultEmuOutcome();
  const emuRun = base.runs.emu!;
  const target = pickPacket(emuRun.run.packets);
  const dropStep = emuRun.run.steps.findIndex((s) => s.drops.length > 0);
  if (dropStep < 0) throw new Error('the default scenario has no step with a drop');
  const kernel: BackendRun = {
    ...structuredClone(emuRun.run),
    backend: 'kernel',
    packets: emuRun.run.packets.map((p) => ({ ...p, frame: p === target ? lowerTtl(p.frame) : p.frame.slice() })),
    steps: emuRun.run.steps.map((s, i) => (i === dropStep ? { ...s, drops: s.drops.map((d) => ({ ...d, reason: 181 })) } : structuredClone(s))),
  };
  const scenario = base.parsed.scenario;
  const expectations = kernel.steps.flatMap((r, i) => checkExpectations(i, scenario.traffic[i]!.expect, r));
  const comparison = compareRuns(emuRun.run, kernel);
  const failed = [...emuRun.expectations, ...expectations].some((x) => !x.ok);
  const outcome: RunOutcome = {
    parsed: base.parsed,
    runs: { emu: emuRun, kernel: { run: kernel, expectations } },
    comparison,
    exitCode: failed ? EXIT.CHECK_FAILED : comparison.divergences.length ? EXIT.DIVERGENCE : EXIT.OK,
    notes: ['kernel run planted by test/reports/fixtures.ts'],
  };
  return { outcome, point: target.point, step: target.step, dropStep };
}
