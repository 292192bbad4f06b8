// One replay of bench/replay.ts, in its own process: `replay-child PCAP PACKETS emu|kernel`.
// Opens the replay as `dpsim replay PCAP --prog bpf/build/bpf_lxc.o:cil_from_container --maps
// --globals --ctx -q` does (openEngines + replayProgram; the engine is the process default,
// DPSIM_ENGINE) and prints one JSON line (ReplayChildResult): counts, wall time, packets/s, and
// the engine that actually ran.
import { openEngines, replayProgram } from '../src/replay/index.js';
import { defaultEngine } from '../src/vm/index.js';
import { benchCluster, datapathObjectPath, datapathState, skbCtx } from './datapath.js';
import type { ReplayChildResult } from './replay.js';

async function main(): Promise<void> {
  const [pcap, packetsText, backend] = process.argv.slice(2);
  const packets = Number(packetsText);
  if (!pcap || !Number.isInteger(packets) || packets < 1 || (backend !== 'emu' && backend !== 'kernel')) {
    throw new Error('usage: replay-child PCAP PACKETS emu|kernel');
  }
  const { spec, globals, maps } = await datapathState('bpf_lxc');
  const engines = await openEngines({
    objPath: datapathObjectPath('bpf_lxc'), spec, prog: 'cil_from_container', backend, globals, maps,
    ctx: skbCtx(benchCluster().client.ifindex),
  });
  let result;
  try {
    result = await replayProgram({ file: pcap, engines, loop: 1, limit: packets, pacing: { kind: 'capture', multiplier: 1 }, batch: 256 });
  } finally {
    await engines.close();
  }
  const c = result.counts;
  const env = process.env.DPSIM_ENGINE;
  const out: ReplayChildResult = {
    backend,
    requested: env === 'interp' || env === 'wasm' ? env : null,
    ran: backend === 'kernel' ? 'kernel' : engines.obj.vm.lastEngine,
    packets: c.packets, wallNs: result.wallNs, pps: c.packets / (result.wallNs / 1e9),
    ...c.verdicts, refused: c.refused, faults: c.faults, skipped: c.skipped,
    redirects: Object.fromEntries(c.redirects),
  };
  if (out.requested === null) out.requested = backend === 'emu' ? defaultEngine() : null;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`replay-child: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
