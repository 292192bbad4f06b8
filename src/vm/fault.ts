// One table of typed fault kinds. A fault is a result, never an exception that leaves the VM:
// inside the VM, FaultSignal carries it up to the run loop, which returns it with the pc,
// the instruction text and the C source line attached.

export const FAULT_KINDS = Object.freeze({
  'invalid-program': 'the program would not load: the kernel verifier rejects it',
  'invalid-opcode': 'no such instruction',
  'out-of-bounds': 'memory access outside its region',
  'invalid-address': 'memory access through a value that is not a pointer',
  'read-only': 'write to read-only memory',
  'ctx-access': 'invalid access to a context field',
  'call-depth': 'BPF-to-BPF call depth over the kernel limit',
  'unknown-helper': 'call to a helper this VM does not implement',
  'helper-argument': 'a helper was passed an argument the kernel would refuse',
  'budget-exceeded': 'instruction budget exhausted (runaway loop?)',
  'fell-off-end': 'execution ran past the last instruction',
  'internal': 'internal VM error (a bug in dpsim)',
} as const);

export type FaultKind = keyof typeof FAULT_KINDS;

export interface SourceLine {
  file: string;
  line: number;
  col: number;
  text: string;
}

export interface Fault {
  kind: FaultKind;
  message: string;
  /** Instruction index (slot) within the program that faulted. */
  pc: number;
  program?: string;
  insn?: string;
  source?: SourceLine;
  /** For memory faults: the 64-bit address as hex, the access size and the region. */
  address?: string;
  size?: number;
  region?: { name: string; start: number; end: number; offset: number };
}

/** Thrown inside the VM (helpers, slow memory paths) and caught by the run loop. */
export class FaultSignal extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
    readonly extra: Partial<Pick<Fault, 'address' | 'size' | 'region'>> = {},
  ) {
    super(message);
  }
}

export function formatFault(f: Fault): string {
  const cwd = process.cwd() + '/';
  const file = f.source?.file.startsWith(cwd) ? f.source.file.slice(cwd.length) : f.source?.file;
  const where = f.source ? ` at ${file}:${f.source.line}` : '';
  const lines = [`fault: ${f.kind}${where}: ${f.message}`, `  pc ${f.pc}${f.program ? ` in ${f.program}` : ''}: ${f.insn ?? ''}`];
  if (f.source) lines.push(`  ${f.source.line} | ${f.source.text.trim()}`);
  if (f.region) {
    lines.push(`  region ${f.region.name}: valid [${f.region.start}, ${f.region.end}), access at offset ${f.region.offset} size ${f.size ?? '?'}`);
  }
  return lines.join('\n');
}
