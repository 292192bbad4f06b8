// Shared pieces of the topology tests: an EmuBackend set up on a hand-built plan, and
// readers for what it captured.

import { EmuBackend, type EmuOptions } from '../../src/backends/emu.js';
import type { CapturedPacket } from '../../src/backends/types.js';
import { decodeFrame } from '../../src/packet/decode.js';
import { buildPlan, type PlanOptions } from './plan.js';

export async function emulator(planOpts: PlanOptions = {}, opts: EmuOptions = {}) {
  const { plan, cluster, specs } = await buildPlan(planOpts);
  const backend = new EmuBackend({ specs, ...opts });
  await backend.setup(plan);
  return { backend, plan, cluster };
}

/** Captures at one point (`place/device:direction`), optionally of one step. */
export function at(packets: CapturedPacket[], point: string, step?: number): CapturedPacket[] {
  return packets.filter((p) => p.point === point && (step === undefined || p.step === step));
}

/** A decoded field of a frame ("ip.ttl", "vxlan.vni", "inner.ip.src", ...). */
export function field(frame: Uint8Array, name: string): string | undefined {
  return decodeFrame(frame).fields.find((f) => f.name === name)?.value;
}

export const layers = (frame: Uint8Array): string[] => decodeFrame(frame).layers;
export const summary = (p: CapturedPacket): string => `${p.point} ${decodeFrame(p.frame).summary}`;

/** Packets carrying IPv4 (not ARP). */
export const ipOnly = (ps: CapturedPacket[]) => ps.filter((p) => layers(p.frame).includes('ip'));
