// Echo servers for every `listen` entry of pods and world hosts: socat, forking per TCP
// connection / UDP datagram, echoing through a pipe. Their log says who connected (the
// source after any NAT) and that data arrived; each log line is attributed to the step
// running when it came, which gives StepResult.delivered, sourceSeen and backend.

import { BackgroundProcess } from '../../harness/netns/background.js';
import type { Testbed } from '../../harness/netns/index.js';
import type { ClusterPlan } from '../agent/plan-types.js';
import type { PlaceNames } from './kernel-topology.js';
import type { Timeline } from './kernel-timeline.js';

export interface ServerHit {
  /** Plan place of the server: "pod:web", "world:internet". */
  place: string;
  protocol: 'TCP' | 'UDP';
  port: number;
  peer: { ip: string; port: number };
  /** TCP: data arrived on the connection (UDP: always, a datagram is data). */
  data: boolean;
  step: number;
}

const ACCEPT = /accepting connection from AF=2 ([\d.]+):(\d+) on/;
const FORKED = /forked off child process (\d+)/;
const TRANSFERRED = /socat\[(\d+)\] I transferred (\d+) bytes/;
const DATAGRAM = /received packet with \d+ bytes from AF=2 ([\d.]+):(\d+)/;

/** Teardown reaps them: the testbed tracks every server (and kills socat's children with the namespace). */
export class EchoServers {
  readonly hits: ServerHit[] = [];

  private constructor(private readonly timeline: Timeline) {}

  static async start(tb: Testbed, plan: ClusterPlan, names: PlaceNames, timeline: Timeline): Promise<EchoServers> {
    const servers = new EchoServers(timeline);
    const places = [...plan.pods.map((p) => ({ place: `pod:${p.name}`, listen: p.listen })), ...plan.world.map((w) => ({ place: `world:${w.name}`, listen: w.listen }))];
    const starts: Promise<void>[] = [];
    for (const { place, listen } of places) {
      const seen = new Set<string>();
      for (const l of listen) {
        if (seen.has(`${l.protocol}/${l.port}`)) continue;
        seen.add(`${l.protocol}/${l.port}`);
        starts.push(servers.startOne(tb, names, place, l.protocol, l.port));
      }
    }
    await Promise.all(starts);
    return servers;
  }

  private async startOne(tb: Testbed, names: PlaceNames, place: string, protocol: 'TCP' | 'UDP', port: number): Promise<void> {
    // TCP at info level (-d -d -d) for the children's "transferred N bytes" lines.
    const argv = protocol === 'TCP'
      ? ['socat', '-d', '-d', '-d', `TCP-LISTEN:${port},reuseaddr,fork`, 'PIPE']
      : ['socat', '-d', '-d', `UDP-RECVFROM:${port},fork`, 'PIPE'];
    const proc = new BackgroundProcess(tb.netnsOf(names.testbed(place)), argv, (p) => tb.untrack(p));
    tb.track(proc);
    const children = new Map<number, ServerHit>();
    // The child's "transferred" line can reach the shared stderr pipe before the parent's "forked" line.
    const transferredEarly = new Set<number>();
    let lastAccept: ServerHit | undefined;
    proc.onLine((line) => {
      const step = this.timeline.stepAtMono(process.hrtime.bigint());
      let m: RegExpExecArray | null;
      if ((m = ACCEPT.exec(line))) {
        lastAccept = { place, protocol, port, peer: { ip: m[1]!, port: Number(m[2]) }, data: false, step };
        this.hits.push(lastAccept);
      } else if ((m = FORKED.exec(line)) && lastAccept) {
        const pid = Number(m[1]);
        children.set(pid, lastAccept);
        if (transferredEarly.delete(pid)) lastAccept.data = true;
      } else if ((m = TRANSFERRED.exec(line)) && Number(m[2]) > 0) {
        const hit = children.get(Number(m[1]));
        if (hit) hit.data = true;
        else transferredEarly.add(Number(m[1]));
      } else if ((m = DATAGRAM.exec(line))) {
        this.hits.push({ place, protocol, port, peer: { ip: m[1]!, port: Number(m[2]) }, data: true, step });
      }
    });
    await proc.waitFor(protocol === 'TCP' ? /listening on/ : /receiving on/, 5000);
  }

  /** What the servers saw during STEP, for one protocol, in order. */
  hitsOf(step: number, protocol: 'TCP' | 'UDP'): ServerHit[] {
    return this.hits.filter((h) => h.step === step && h.protocol === protocol);
  }
}
