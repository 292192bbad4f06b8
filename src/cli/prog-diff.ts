// `dpsim prog diff OBJ PROG --packets FILE.pcap`: every packet through the program in the VM
// and in the kernel (BPF_PROG_TEST_RUN), maps carried across packets on both sides.
import type { Argv } from 'yargs';
import { diffProgram, formatDiff, SKB_CTX, XDP_CTX } from '../diff/index.js';
import { encodeCtx } from '../diff/ctx-json.js';
import { readPackets, toEthernetFrame, PcapError } from '../pcap/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { readJson } from './io.js';
import { loadSpec } from './load.js';
import { findProgram } from '../elf/index.js';
import type { MapsJson } from '../maps/index.js';

export async function readFrames(file: string): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  try {
    for await (const p of readPackets(file)) {
      const f = toEthernetFrame(p);
      if (!f) throw new CliError(EXIT.BAD_INPUT, `${file}: packet ${p.index + 1} has link type ${p.linkType}, which cannot be made an Ethernet frame`);
      frames.push(f);
    }
  } catch (e) {
    if (e instanceof PcapError) throw new CliError(EXIT.CHECK_FAILED, `${file}: ${e.message} (after ${frames.length} packets)`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(EXIT.BAD_INPUT, `${file}: no such file`);
    throw e;
  }
  return frames;
}

export function registerProgDiff(p: Argv): Argv {
  return p.command('diff <obj> <prog>', 'run packets through a program in the VM and the kernel and report every difference', (c) => c
    .positional('obj', { type: 'string', demandOption: true })
    .positional('prog', { type: 'string', demandOption: true })
    .option('packets', { type: 'string', demandOption: true, describe: 'pcap/pcapng file of input packets' })
    .option('maps', { type: 'string', describe: 'initial map contents (map JSON), loaded into both sides' })
    .option('ctx', { type: 'string', describe: 'context fields as JSON ({"mark": 1, "cb": [0, 7]}) for every packet' })
    .option('j', { alias: 'json', type: 'boolean', default: false }),
  async (a) => {
    const spec = await loadSpec(a.obj as string);
    let prog;
    try { prog = findProgram(spec, a.prog as string); } catch (e) { throw new CliError(EXIT.BAD_INPUT, (e as Error).message); }
    const frames = await readFrames(a.packets as string);
    let ctx: Uint8Array | undefined;
    if (a.ctx) {
      try { ctx = encodeCtx(prog.type === 'xdp' ? XDP_CTX : SKB_CTX, readJson(a.ctx, 'ctx'), a.ctx); } catch (e) {
        if (e instanceof TypeError) throw new CliError(EXIT.BAD_INPUT, e.message);
        throw e;
      }
    }
    const { kernelAvailability } = await import('../../harness/testrun.js');
    const avail = await kernelAvailability();
    if (!avail.ok) throw new CliError(EXIT.ENVIRONMENT, `the kernel side cannot run: ${avail.reason}`);
    if (prog.section.includes('overlay') || prog.name.includes('from_overlay')) {
      process.stderr.write('note: a kernel test run carries no tunnel metadata (bpf_skb_get_tunnel_key fails there); compare from-overlay programs in a netns scenario instead\n');
    }
    const report = await diffProgram({
      objPath: a.obj as string, prog: prog.name,
      inputs: frames.map((data) => ({ data, ...(ctx ? { ctx } : {}) })),
      ...(a.maps ? { maps: readJson(a.maps, 'map state') as MapsJson } : {}),
    });
    if (a.j) process.stdout.write(JSON.stringify({ divergences: report.divergences, normalisations: report.normalisations, inputs: frames.length }) + '\n');
    else process.stdout.write(formatDiff(report) + '\n');
    process.exitCode = report.divergences.length ? EXIT.DIVERGENCE : EXIT.OK;
  });
}
