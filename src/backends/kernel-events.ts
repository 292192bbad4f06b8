// The datapath's perf events (docs/datapath-events.md) from every node's loader: drained
// during and after each step, trimmed to message + captured bytes (the kernel pads samples;
// the VM delivers exactly those bytes), attributed to steps by their CLOCK_MONOTONIC time,
// and drop notifies decoded for StepResult.drops.

import type { ClusterPlan } from '../agent/plan-types.js';
import type { NodeLoader } from '../../harness/netns/index.js';
import type { DropRecord } from './types.js';
import type { Timeline } from './kernel-timeline.js';

const NOTIFY_DROP = 1;
const NOTIFY_TRACE = 4;
const MESSAGE_BYTES: Record<number, number> = { [NOTIFY_DROP]: 40, [NOTIFY_TRACE]: 48 };

export interface KernelEvent {
  node: string;
  /** The object whose program emitted it ("bpf_lxc"). */
  object: string;
  step: number;
  /** CLOCK_MONOTONIC, as bpf_ktime_get_ns. */
  timeNs: bigint;
  data: Uint8Array;
}

/** Message + len_cap bytes; unknown messages stay as they came. */
export function trimSample(data: Uint8Array): Uint8Array {
  const message = MESSAGE_BYTES[data[0]!];
  if (message === undefined || data.length < 16) return data;
  const lenCap = data[12]! | (data[13]! << 8);
  return data.slice(0, Math.min(data.length, message + lenCap));
}

export class EventLog {
  readonly events: KernelEvent[] = [];
  lost = 0;
  private readonly devices = new Map<string, Map<number, string>>();

  constructor(plan: ClusterPlan, private readonly loaders: Map<string, NodeLoader>, private readonly timeline: Timeline) {
    for (const n of plan.nodes) {
      const devs = [n.eth0, n.vxlan0, ...plan.pods.filter((p) => p.node === n.name).map((p) => p.lxc)];
      this.devices.set(n.name, new Map(devs.map((d) => [d.ifindex, d.name])));
    }
  }

  /** Collects what every node's rings hold now. */
  async drain(): Promise<void> {
    const drained = await Promise.all([...this.loaders].map(async ([node, loader]) => ({ node, ...(await loader.drain()) })));
    for (const { node, samples, lost } of drained) {
      this.lost += lost;
      for (const s of samples) {
        this.events.push({ node, object: s.instance, step: this.timeline.stepAtMono(s.timeNs), timeNs: s.timeNs, data: trimSample(s.data) });
      }
    }
  }

  /** Drop notifies of a step, on any node, in time order. */
  dropsOf(step: number): DropRecord[] {
    return this.events
      .filter((e) => e.step === step && e.data[0] === NOTIFY_DROP && e.data.length >= MESSAGE_BYTES[NOTIFY_DROP]!)
      .sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0))
      .map((e) => {
        const ifindex = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength).getUint32(32, true);
        return { node: e.node, reason: e.data[1]!, device: this.devices.get(e.node)?.get(ifindex) ?? `ifindex ${ifindex}`, ifindex };
      });
  }
}
