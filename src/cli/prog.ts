// `dpsim prog run|list|dump`: bpftool's words, run in the VM.
import type { Argv } from 'yargs';
import { testRun, TestRunInputError, formatFault, type TestRunResult } from '../vm/index.js';
import { Tracer, relativePath } from '../vm/trace.js';
import { exportMaps } from '../maps/index.js';
import { disassemble } from '../isa/disasm.js';
import { OPCODES } from '../isa/opcodes.js';
import { CliError, EXIT } from './exit-codes.js';
import { readInput, writeOutput, hexDump, isStdio } from './io.js';
import { loadObject, loadSpec, programOf } from './load.js';
import { findProgram } from '../elf/index.js';
import { registerProgDiff } from './prog-diff.js';

/** bpftool's keyword arguments after OBJ PROG: data_in FILE, data_out FILE, ctx_in ..., repeat N. */
export interface RunArgs {
  dataIn?: string;
  dataOut?: string;
  dataSizeOut?: number;
  ctxIn?: string;
  ctxOut?: string;
  ctxSizeOut?: number;
  repeat: number;
}

const KEYWORDS = ['data_in', 'data_out', 'data_size_out', 'ctx_in', 'ctx_out', 'ctx_size_out', 'repeat'] as const;

export function parseRunKeywords(words: string[]): RunArgs {
  const out: RunArgs = { repeat: 1 };
  for (let i = 0; i < words.length; i += 2) {
    const k = words[i]!;
    const v = words[i + 1];
    if (!(KEYWORDS as readonly string[]).includes(k)) throw new CliError(EXIT.BAD_INPUT, `unknown argument "${k}" (expected one of ${KEYWORDS.join(', ')})`);
    if (v === undefined) throw new CliError(EXIT.BAD_INPUT, `"${k}" needs a value`);
    const num = () => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new CliError(EXIT.BAD_INPUT, `${k} must be a non-negative integer, got "${v}"`);
      return n;
    };
    switch (k) {
      case 'data_in': out.dataIn = v; break;
      case 'data_out': out.dataOut = v; break;
      case 'data_size_out': out.dataSizeOut = num(); break;
      case 'ctx_in': out.ctxIn = v; break;
      case 'ctx_out': out.ctxOut = v; break;
      case 'ctx_size_out': out.ctxSizeOut = num(); break;
      default: out.repeat = Math.max(1, num());
    }
  }
  if (!out.dataIn) throw new CliError(EXIT.BAD_INPUT, 'data_in FILE is required');
  return out;
}

export function resultJson(r: TestRunResult): Record<string, unknown> {
  return {
    retval: r.retval,
    data_out: Buffer.from(r.dataOut).toString('hex'),
    ctx_out: r.ctxOut ? Buffer.from(r.ctxOut).toString('hex') : null,
    duration: Math.round(r.durationNs),
    redirect: r.redirect,
    events: r.events.map((e) => ({ map: e.map, kind: e.kind, ...(e.cpu !== undefined ? { cpu: e.cpu } : {}), data: Buffer.from(e.data).toString('hex') })),
    printk: r.printk,
    insn_count: r.insnCount,
    fault: r.fault,
    engine: r.engine,
  };
}

export function registerProg(y: Argv): Argv {
  return y.command('prog', 'run, list, disassemble and diff the programs of an ELF object', (p) => registerProgDiff(p)
    .command('run <obj> <prog> [args..]', 'run a program like `bpftool prog run`: data_in FILE [data_out FILE] [ctx_in FILE] [ctx_out FILE] [repeat N]', (c) => c
      .positional('obj', { type: 'string', demandOption: true, describe: 'ELF object (clang -target bpf)' })
      .positional('prog', { type: 'string', demandOption: true, describe: 'function name, or section name where unique' })
      .positional('args', { type: 'string', array: true, default: [] })
      .option('maps', { type: 'string', describe: 'initial map contents (map JSON, docs/map-json.md)' })
      .option('dump-maps', { type: 'string', describe: 'write map contents after the run to FILE (- for stdout)' })
      .option('trace', { type: 'boolean', default: false, describe: 'print every instruction executed' })
      .option('trace-full', { type: 'boolean', default: false, describe: 'with --trace: do not collapse repeats' })
      .option('cpus', { type: 'number', default: 1, describe: 'possible CPUs (per-CPU map slots)' })
      .option('j', { alias: 'json', type: 'boolean', default: false, describe: 'one JSON object on stdout' }),
    async (a) => {
      const args = parseRunKeywords(a.args as string[]);
      const obj = await loadObject(a.obj as string, { nCpus: a.cpus, ...(a.maps ? { mapsFile: a.maps } : {}) });
      const prog = programOf(obj, a.prog as string);
      const dataIn = readInput(args.dataIn!, 'data_in');
      const ctxIn = args.ctxIn ? readInput(args.ctxIn, 'ctx_in') : undefined;
      const tracer = a.trace ? new Tracer(obj.vm, { sink: (l) => process.stderr.write(l + '\n'), full: a['trace-full'] }).attach() : null;
      let r: TestRunResult;
      try {
        r = testRun(obj, prog, { dataIn, ...(ctxIn ? { ctxIn } : {}), repeat: args.repeat });
      } catch (e) {
        if (e instanceof TestRunInputError) throw new CliError(EXIT.BAD_INPUT, `${e.message} (the kernel answers -EINVAL)`);
        throw e;
      } finally {
        tracer?.detach();
      }
      if (args.dataOut && !r.fault) writeOutput(args.dataOut, isStdio(args.dataOut) && !a.j ? hexDump(r.dataOut) + '\n' : r.dataOut, 'data_out');
      if (args.ctxOut && r.ctxOut && !r.fault) writeOutput(args.ctxOut, r.ctxOut, 'ctx_out');
      if (a['dump-maps']) writeOutput(a['dump-maps'], JSON.stringify(exportMaps(obj.maps.values()), null, 2) + '\n', 'map dump');
      if (a.j) {
        process.stdout.write(JSON.stringify(resultJson(r)) + '\n');
      } else if (r.fault) {
        process.stderr.write(formatFault(r.fault) + '\n');
      } else {
        process.stdout.write(`Return value: ${r.retval}, duration${args.repeat > 1 ? ' (average)' : ''}: ${Math.round(r.durationNs)}ns\n`);
        if (r.redirect) process.stdout.write(`Redirect: ${r.redirect.helper} to ifindex ${r.redirect.ifindex} flags ${r.redirect.flags}\n`);
        for (const e of r.events) process.stdout.write(`Event (${e.kind} ${e.map}): ${Buffer.from(e.data).toString('hex')}\n`);
        for (const t of r.printk) process.stdout.write(`trace_printk: ${t}${t.endsWith('\n') ? '' : '\n'}`);
      }
      if (r.fault) process.exitCode = EXIT.CHECK_FAILED;
    })
    .command('list <obj>', 'list programs and maps', (c) => c
      .positional('obj', { type: 'string', demandOption: true })
      .option('j', { alias: 'json', type: 'boolean', default: false }),
    async (a) => {
      const spec = await loadSpec(a.obj as string);
      const progs = spec.programs.map((p) => ({ name: p.name, section: p.section, type: p.type, insns: p.insns.length, functions: p.funcs.map((f) => f.name) }));
      const maps = spec.maps.map((m) => ({ name: m.name, type: m.typeName, key_size: m.keySize, value_size: m.valueSize, max_entries: m.maxEntries }));
      if (a.j) { process.stdout.write(JSON.stringify({ programs: progs, maps }) + '\n'); return; }
      for (const p of progs) process.stdout.write(`${p.name}  section ${p.section}  type ${p.type}  ${p.insns} insns${p.functions.length > 1 ? `  calls ${p.functions.slice(1).join(', ')}` : ''}\n`);
      for (const m of maps) process.stdout.write(`map ${m.name}  ${m.type}  key ${m.key_size}B  value ${m.value_size}B  max_entries ${m.max_entries}\n`);
    })
    .command('dump <obj> <prog>', 'disassembly interleaved with C source lines (like llvm-objdump -S)', (c) => c
      .positional('obj', { type: 'string', demandOption: true })
      .positional('prog', { type: 'string', demandOption: true }),
    async (a) => {
      const spec = await loadSpec(a.obj as string);
      let p;
      try { p = findProgram(spec, a.prog as string); } catch (e) { throw new CliError(EXIT.BAD_INPUT, (e as Error).message); }
      process.stdout.write(dumpProgram(p) + '\n');
    })
    .demandCommand(1, 'choose a prog subcommand: run, list, dump or diff'));
}

/** Disassembly with function labels and the C line printed wherever it changes. */
export function dumpProgram(p: ReturnType<typeof findProgram>): string {
  const out: string[] = [];
  const funcs = new Map(p.funcs.map((f) => [f.start, f.name]));
  const maps = new Map(p.relocs.map((r) => [r.insn, r.kind === 'map' ? r.mapName : `${r.mapName}+${r.offset}`]));
  let last = '';
  for (let pc = 0; pc < p.insns.length; pc++) {
    const f = funcs.get(pc);
    if (f) out.push(`${pc === 0 ? '' : '\n'}${f}:`);
    const li = p.lineAt(pc);
    if (li) {
      const where = `${relativePath(li.file)}:${li.line}`;
      if (where !== last) { out.push(`; ${li.text.trim()}    [${where}]`); last = where; }
    }
    const insn = p.insns[pc]!;
    out.push(`${String(pc).padStart(5)}:\t${disassemble(insn, pc, p.insns[pc + 1], { mapName: (at) => maps.get(at) })}`);
    if (OPCODES[insn.opcode]?.kind === 'lddw') pc++;
  }
  return out.join('\n');
}
