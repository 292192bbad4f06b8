// When did a datapath event happen? Events carry no timestamp, but each carries the packet as
// it was at that point, and the backends list them per node in emission order. So each event
// takes the time of the first captured packet of its step (at or after the node's previous
// event) whose bytes begin with the event's packet bytes; an event with no such packet takes
// its node's previous event time plus 1 µs. Times are ns since the run started, approximate.

import type { BackendRun, CapturedPacket } from '../src/backends/types.js';

const NOTIFY_SIZES: Record<number, number> = { 1: 40, 4: 48 };
const SEARCH_WINDOW = 256;
const NO_MATCH_STEP_NS = 1000;

function eventPacket(data: Uint8Array): Uint8Array | undefined {
  const size = NOTIFY_SIZES[data[0]!];
  if (size === undefined || data.length < size) return undefined;
  const lenCap = data[12]! | (data[13]! << 8);
  return data.subarray(size, size + lenCap);
}

function startsWith(frame: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length === 0 || frame.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (frame[i] !== prefix[i]) return false;
  return true;
}

export function eventTimes(run: BackendRun): number[] {
  const byStep = new Map<number, CapturedPacket[]>();
  for (const p of run.packets) (byStep.get(p.step) ?? byStep.set(p.step, []).get(p.step)!).push(p);
  for (const ps of byStep.values()) ps.sort((a, b) => a.timeNs - b.timeNs);
  // Per step and node: where the node's last event matched, and when it happened.
  const cursor = new Map<string, { index: number; timeNs: number }>();
  let lastStepTime = 0;
  return run.events.map((e) => {
    const packets = byStep.get(e.step) ?? [];
    const key = `${e.step}\u0000${e.node}`;
    const at = cursor.get(key) ?? { index: 0, timeNs: packets[0]?.timeNs ?? lastStepTime };
    const bytes = eventPacket(e.data);
    let timeNs = at.timeNs + NO_MATCH_STEP_NS;
    if (bytes) {
      const end = Math.min(packets.length, at.index + SEARCH_WINDOW);
      for (let i = at.index; i < end; i++) {
        if (startsWith(packets[i]!.frame, bytes)) {
          timeNs = Math.max(packets[i]!.timeNs, at.timeNs);
          at.index = i;
          break;
        }
      }
    }
    at.timeNs = timeNs;
    cursor.set(key, at);
    lastStepTime = timeNs;
    return timeNs;
  });
}
