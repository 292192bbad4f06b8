// Lexical layer of the bpf_conformance / uBPF assembly dialect: splitting a line into label,
// mnemonic and operands, and reading registers, integers and `[%rN+off]` memory operands.
// Encoding lives in asm-assemble.ts; this file knows nothing about opcodes.

/** An assembly error; `line` is 1-based in the text given to the assembler (plus any lineOffset). */
export class AsmError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly text: string,
  ) {
    super(`line ${line}: ${reason} (in "${text.trim()}")`);
    this.name = 'AsmError';
  }
}

export interface Statement {
  line: number;
  text: string;
  label?: string;
  /** Lower-cased first word, absent for a label-only or blank line. */
  mnemonic?: string;
  /** Words between the mnemonic and the first operand: `fetch add32` after `lock`, `local` after `call`. */
  words: string[];
  operands: string[];
  fail(reason: string): never;
}

const LABEL = /^\s*([A-Za-z_.$][\w.$]*)\s*:(.*)$/;

export function parseStatements(text: string, lineOffset = 0): Statement[] {
  return text.split(/\r?\n/).map((raw, i) => parseStatement(raw, i + 1 + lineOffset));
}

function parseStatement(raw: string, line: number): Statement {
  const fail = (reason: string): never => {
    throw new AsmError(reason, line, raw);
  };
  let body = raw.includes('#') ? raw.slice(0, raw.indexOf('#')) : raw; // the suite's comments start anywhere
  const st: Statement = { line, text: raw, words: [], operands: [], fail };
  const labelled = LABEL.exec(body);
  if (labelled) {
    st.label = labelled[1];
    body = labelled[2];
  }
  body = body.trim();
  if (body === '') return st;
  const [first] = body.split(/\s+/, 1);
  st.mnemonic = first.toLowerCase();
  let rest = body.slice(first.length).trim();
  if (st.mnemonic === 'lock') {
    // `lock [fetch] op [%rN+off], %rM`: everything before the memory operand names the operation.
    const at = rest.indexOf('[');
    if (at > 0) {
      st.words = rest.slice(0, at).trim().toLowerCase().split(/\s+/);
      rest = rest.slice(at);
    }
  } else if (st.mnemonic === 'call') {
    const m = /^(local|helper|runtime)\s+(.*)$/i.exec(rest);
    if (m) {
      st.words = [m[1].toLowerCase()];
      rest = m[2];
    }
  }
  st.operands = rest === '' ? [] : rest.split(',').map((s) => s.trim());
  if (st.operands.some((o) => o === '')) fail('empty operand');
  return st;
}

export function isRegister(s: string): boolean {
  return /^%?r(1[0-5]|[0-9])$/i.test(s.trim());
}

/** `%r0`..`%r15` (r11..r15 only exist to write negative tests, as in the suite's assembler). */
export function parseRegister(s: string, st: Statement): number {
  const m = /^%?r(1[0-5]|[0-9])$/i.exec(s.trim());
  if (!m) st.fail(`expected a register, got "${s}"`);
  return Number(m![1]);
}

/** Decimal or 0x-hex integer with an optional sign. */
export function parseInteger(s: string): bigint | undefined {
  const m = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(s.trim());
  if (!m) return undefined;
  const v = BigInt(m[2]);
  return m[1] === '-' ? -v : v;
}

/** An integer that must fit `bits` bits, read as signed or unsigned; returned as the signed value. */
export function parseImmediate(s: string, bits: 16 | 32 | 64, st: Statement, what = 'immediate'): bigint {
  const v = parseInteger(s);
  if (v === undefined) st.fail(`expected an integer ${what}, got "${s}"`);
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits)) - 1n;
  if (v! < min || v! > max) st.fail(`${what} ${s} does not fit in ${bits} bits`);
  return BigInt.asIntN(bits, v!);
}

/** Signed integer that must fit `bits` bits as a signed value (offsets). */
export function parseSigned(s: string, bits: 16 | 32, st: Statement, what: string): number {
  const v = parseInteger(s);
  if (v === undefined) st.fail(`expected an integer ${what}, got "${s}"`);
  const lim = 1n << BigInt(bits - 1);
  if (v! < -lim || v! >= lim) st.fail(`${what} ${s} does not fit in a signed ${bits}-bit field`);
  return Number(v);
}

/** `[%rN]`, `[%rN+off]` or `[%rN-off]`, with optional spaces. */
export function parseMemory(s: string, st: Statement): { reg: number; off: number } {
  const m = /^\[\s*(%?r\d+)\s*(?:([+-])\s*(0x[0-9a-f]+|\d+)\s*)?\]$/i.exec(s.trim());
  if (!m) st.fail(`expected a memory operand like [%r1+8], got "${s}"`);
  const reg = parseRegister(m![1], st);
  const off = m![2] ? parseSigned(`${m![2]}${m![3]}`, 16, st, 'memory offset') : 0;
  return { reg, off };
}

export function expectOperands(st: Statement, n: number): void {
  if (st.operands.length !== n) {
    st.fail(`"${st.mnemonic}" takes ${n} operand${n === 1 ? '' : 's'}, got ${st.operands.length}`);
  }
}
