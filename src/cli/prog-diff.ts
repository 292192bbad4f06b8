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
import { MapError, encodeValue, type MapsJson, type JsonValue } from '../maps/index.js';
import type { ObjectSpec } from '../elf/index.js';
import type { CtxLayout, GlobalPatch } from '../diff/index.js';

/** --ctx: one object for every packet, or an array with one per packet. */
function readCtxs(file: string, layout: CtxLayout, n: number): Uint8Array[] {
  const json = readJson(file, 'ctx');
  try {
    if (Array.isArray(json)) {
      if (json.length !== n) throw new TypeError(`${file}: ${json.length} contexts for ${n} packets`);
      return json.map((c, i) => encodeCtx(layout, c, `${file}[${i}]`));
    }
    const one = encodeCtx(layout, json, file);
    return new Array(n).fill(one);
  } catch (e) {
    if (e instanceof TypeError) throw new CliError(EXIT.BAD_INPUT, e.message);
    throw e;
  }
}

/** --globals: {".rodata": {variable: value}} → byte patches at each variable's BTF offset. */
function readGlobals(file: string, spec: ObjectSpec): GlobalPatch[] {
  const json = readJson(file, 'globals') as Record<string, Record<string, JsonValue>>;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new CliError(EXIT.BAD_INPUT, `${file}: expected {".rodata": {variable: value}}`);
  const out: GlobalPatch[] = [];
  for (const [section, vars] of Object.entries(json)) {
    const m = spec.maps.find((x) => x.source === 'data' && (x.name === section || x.libbpfName === section));
    if (!m?.dataLayout) throw new CliError(EXIT.BAD_INPUT, `${file}: the object has no global data section ${section}`);
    for (const [name, value] of Object.entries(vars ?? {})) {
      const v = m.dataLayout.find((d) => d.name === name);
      if (!v) throw new CliError(EXIT.BAD_INPUT, `${file}: ${section} has no variable ${name} (has ${m.dataLayout.map((d) => d.name).join(', ')})`);
      try {
        out.push({ section: m.name, offset: v.offset, bytes: encodeValue(v.layout, value) });
      } catch (e) {
        throw new CliError(EXIT.BAD_INPUT, `${file}: ${section}.${name}: ${(e as Error).message}`);
      }
    }
  }
  return out;
}

export async function readFrames(file: string): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  try {
    for await (const p of readPackets(file)) {
      const f = toEthernetFrame(p);
      if (!f) throw new CliError(EXIT.BAD_INPUT, `${file}: packet ${p.index + 1} has link type ${p.linkType}, which cannot be made an Ethernet frame`);
      frames.push(f);
    }
  } catch (e) {
    if (e instanceof PcapError) throw new CliError(EXIT.CHECK_FAILED, `${file}: ${e.message}`);
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
    .option('ctx', { type: 'string', describe: 'context fields as JSON: {"mark": 1, "cb": [0, 7]} for every packet, or an array with one object per packet' })
    .option('globals', { type: 'string', describe: 'global data set before load, as JSON: {".rodata": {"node_ip": 3232248321, ...}} (variable → map-JSON value)' })
    .option('j', { alias: 'json', type: 'boolean', default: false }),
  async (a) => {
    const spec = await loadSpec(a.obj as string);
    let prog;
    try { prog = findProgram(spec, a.prog as string); } catch (e) { throw new CliError(EXIT.BAD_INPUT, (e as Error).message); }
    const frames = await readFrames(a.packets as string);
    const ctxs = a.ctx ? readCtxs(a.ctx, prog.type === 'xdp' ? XDP_CTX : SKB_CTX, frames.length) : [];
    const globals = a.globals ? readGlobals(a.globals, spec) : [];
    const { kernelAvailability } = await import('../../harness/testrun.js');
    const avail = await kernelAvailability();
    if (!avail.ok) throw new CliError(EXIT.ENVIRONMENT, `the kernel side cannot run: ${avail.reason}`);
    if (prog.section.includes('overlay') || prog.name.includes('from_overlay')) {
      process.stderr.write('note: a kernel test run carries no tunnel metadata (bpf_skb_get_tunnel_key fails there); compare from-overlay programs in a netns scenario instead\n');
    }
    let report;
    try {
      report = await diffProgram({
        objPath: a.obj as string, prog: prog.name,
        inputs: frames.map((data, i) => ({ data, ...(ctxs[i] ? { ctx: ctxs[i] } : {}) })),
        ...(a.maps ? { maps: readJson(a.maps, 'map state') as MapsJson } : {}),
        ...(globals.length ? { globals } : {}),
      });
    } catch (e) {
      if (e instanceof MapError || e instanceof TypeError) throw new CliError(EXIT.BAD_INPUT, `${a.maps ?? a.obj}: ${e.message}`);
      throw e;
    }
    if (a.j) process.stdout.write(JSON.stringify({ divergences: report.divergences, normalisations: report.normalisations, inputs: frames.length }) + '\n');
    else process.stdout.write(formatDiff(report) + '\n');
    process.exitCode = report.divergences.length ? EXIT.DIVERGENCE : EXIT.OK;
  });
}
