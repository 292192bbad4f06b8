// Parser for bpf_conformance `.data` test files: `-- name` headers open sections (asm, raw, mem,
// result, error, c, no register offset); `#` lines before the first section are the licence header.

export interface DataFile {
  /** The `-- asm` section text, with asmLine the file line number of its first line. */
  asm?: string;
  asmLine?: number;
  /** `-- raw`: 64-bit instruction words (an lddw takes two). */
  raw?: bigint[];
  /** `-- mem`: the bytes handed to the program in r1/r2 (empty when absent). */
  mem: Uint8Array;
  /** `-- result`: expected r0. */
  result?: bigint;
  /** `-- error`: the program must fail; the text is the reference VM's message. */
  error?: string;
  /** `-- c`: the C source the program came from (informational). */
  c?: string;
  /** `-- no register offset`: a marker for JIT register-offset testing, irrelevant to execution. */
  noRegisterOffset: boolean;
}

export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'DataFileError';
  }
}

const SECTIONS = ['asm', 'raw', 'mem', 'result', 'error', 'c', 'no register offset'] as const;
type SectionName = (typeof SECTIONS)[number];

interface Section {
  name: SectionName;
  header: number; // file line of the `-- name` line
  lines: { text: string; line: number }[];
}

function splitSections(text: string, file: string): Section[] {
  const sections: Section[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const header = /^--\s+([A-Za-z][\w ]*?)\s*$/.exec(raw); // `--i;` in a C section is not a header
    if (header) {
      const name = header[1].toLowerCase() as SectionName;
      if (!SECTIONS.includes(name)) throw new DataFileError(file, line, `unknown section "-- ${header[1]}"`);
      if (sections.some((s) => s.name === name)) throw new DataFileError(file, line, `duplicate section "-- ${name}"`);
      sections.push({ name, header: line, lines: [] });
    } else if (sections.length) {
      sections[sections.length - 1].lines.push({ text: raw, line });
    } else if (raw.trim() !== '' && !raw.trimStart().startsWith('#')) {
      throw new DataFileError(file, line, 'text before the first "-- section" header');
    }
  });
  return sections;
}

/** Whitespace-separated tokens of a section, comments (`#` to end of line) removed. */
function tokens(s: Section): { token: string; line: number }[] {
  return s.lines.flatMap(({ text, line }) =>
    text.replace(/#.*$/, '').split(/\s+/).filter(Boolean).map((token) => ({ token, line })),
  );
}

function parseNumber(token: string, bits: 8 | 64, file: string, line: number, what: string): bigint {
  const m = /^(-?)(0x[0-9a-f]+|\d+)$/i.exec(token);
  if (!m) throw new DataFileError(file, line, `${what}: "${token}" is not a number`);
  const v = m[1] ? -BigInt(m[2]) : BigInt(m[2]);
  if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) {
    throw new DataFileError(file, line, `${what}: ${token} does not fit in ${bits} bits`);
  }
  return BigInt.asUintN(bits, v);
}

function parseMem(s: Section, file: string): Uint8Array {
  return Uint8Array.from(
    tokens(s).map(({ token, line }) => {
      if (!/^(0x)?[0-9a-f]{1,2}$/i.test(token)) throw new DataFileError(file, line, `mem: "${token}" is not a hex byte`);
      return parseInt(token.replace(/^0x/i, ''), 16);
    }),
  );
}

function parseResult(s: Section, file: string): bigint {
  const t = tokens(s);
  if (t.length !== 1) throw new DataFileError(file, s.header, `result: expected one value, found ${t.length}`);
  return parseNumber(t[0].token, 64, file, t[0].line, 'result');
}

function sectionText(s: Section): string {
  return s.lines.map((l) => l.text).join('\n');
}

/** Parse the text of a `.data` file; `file` only names it in errors. Throws DataFileError. */
export function parseDataFile(text: string, file = '<data>'): DataFile {
  const out: DataFile = { mem: new Uint8Array(0), noRegisterOffset: false };
  for (const s of splitSections(text, file)) {
    switch (s.name) {
      case 'asm':
        out.asm = sectionText(s);
        out.asmLine = s.header + 1;
        break;
      case 'raw':
        out.raw = tokens(s).map(({ token, line }) => parseNumber(token, 64, file, line, 'raw'));
        if (out.raw.length === 0) throw new DataFileError(file, s.header, 'raw: no instruction words');
        break;
      case 'mem':
        out.mem = parseMem(s, file);
        break;
      case 'result':
        out.result = parseResult(s, file);
        break;
      case 'error': {
        const text = sectionText(s).trim();
        if (text === '') throw new DataFileError(file, s.header, 'error: the section is empty');
        out.error = text;
        break;
      }
      case 'c':
        out.c = sectionText(s);
        break;
      case 'no register offset':
        out.noRegisterOffset = true;
        break;
    }
  }
  if (out.asm === undefined && out.raw === undefined) throw new DataFileError(file, 1, 'no "-- asm" or "-- raw" section');
  return out;
}
