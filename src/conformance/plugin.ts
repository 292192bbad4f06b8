// The plugin protocol of the public bpf_conformance runner, so it can drive dpsim:
//   dpsim conformance-plugin [MEMORY_HEX] [--elf] [--program PROGRAM_HEX]
// The runner passes the test's memory as hex bytes in the first argument (omitted when empty),
// any plugin options after it, and the program as hex bytes on stdin (an ELF file with --elf).
// On success the plugin prints r0 in hex and exits 0; on failure it exits 1 with the error text
// on stdout (which the runner compares with a test's `-- error`) and on stderr.

import { decodeBytes } from '../isa/insn.js';
import { runRaw } from '../vm/raw.js';
import { conformanceHelpers } from './helpers.js';
import { programFromElf, ElfProgramError } from './elf-program.js';
import { defaultEngine } from '../vm/engine-name.js';

export { conformanceCommand, type ConformanceCommandOptions } from './command.js';

export interface PluginOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

class PluginError extends Error {}

function failure(message: string): PluginOutput {
  return { stdout: `${message}\n`, stderr: `${message}\n`, exitCode: 1 };
}

/** "b7 00 00 ..." (the runner writes each byte followed by two spaces) → bytes. */
export function decodeHexBytes(text: string, what: string): Uint8Array {
  const tokens = text.split(/\s+/).filter(Boolean);
  const bad = tokens.find((t) => !/^[0-9a-f]{1,2}$/i.test(t));
  if (bad !== undefined) throw new PluginError(`Invalid ${what}: "${bad}" is not a hex byte`);
  return Uint8Array.from(tokens.map((t) => parseInt(t, 16)));
}

interface PluginArgs {
  memory: string;
  program?: string;
  elf: boolean;
}

function parseArgs(argv: readonly string[]): PluginArgs {
  const args = [...argv];
  const parsed: PluginArgs = { memory: '', elf: false };
  // Memory comes first when present; older runners pass it even when empty.
  if (args.length && !args[0].startsWith('--')) parsed.memory = args.shift()!;
  while (args.length) {
    const a = args.shift()!;
    if (a === '') continue; // the runner splits its plugin options on single spaces
    if (a === '--elf') parsed.elf = true;
    else if (a === '--program' && args.length) parsed.program = args.shift()!;
    else throw new PluginError(`Invalid arguments: ${a}`);
  }
  return parsed;
}

export async function conformancePlugin(argv: string[], stdin: string): Promise<PluginOutput> {
  try {
    const args = parseArgs(argv);
    const memory = decodeHexBytes(args.memory, 'memory');
    let code = decodeHexBytes(args.program ?? stdin, 'program');
    if (args.elf) code = programFromElf(code);
    if (code.length === 0) throw new PluginError('Failed to load code: empty program');
    if (code.length % 8 !== 0) throw new PluginError(`Failed to load code: ${code.length} bytes is not a whole number of instructions`);
    const outcome = runRaw(decodeBytes(code), memory, { helpers: conformanceHelpers(), allowCallx: true, engine: defaultEngine() });
    if (!outcome.ok) return failure(outcome.fault.message);
    return { stdout: `${outcome.r0.toString(16)}\n`, stderr: '', exitCode: 0 };
  } catch (e) {
    if (e instanceof PluginError || e instanceof ElfProgramError) return failure(e.message);
    throw e;
  }
}
