// Decode `.BTF.ext`: per-section func_info and line_info records. In an object file the
// record offsets are byte offsets into the ELF section; we convert them to instruction slots.
// All names and source text are offsets into the `.BTF` string section.

import type { Btf } from './btf.js';
import { BTF_MAGIC } from './btf-parse.js';
import { ByteReader } from './reader.js';

const INSN_SIZE = 8;
const FUNC_INFO_MIN = 8;
const LINE_INFO_MIN = 16;

export interface FuncInfo {
  /** Instruction slot within the ELF section. */
  insn: number;
  typeId: number;
}

export interface LineInfo {
  /** Instruction slot (section-relative in BtfExt, program-relative in a ProgramSpec). */
  insn: number;
  file: string;
  line: number;
  col: number;
  /** The source line itself, as clang stored it in the BTF strings. */
  text: string;
}

export interface BtfExt {
  funcInfo: Map<string, FuncInfo[]>;
  lineInfo: Map<string, LineInfo[]>;
}

export function parseBtfExt(data: Uint8Array, btf: Btf, file: string): BtfExt {
  const r = new ByteReader(data, file, `section '.BTF.ext'`);
  const magic = r.u16(0, 'magic');
  if (magic !== BTF_MAGIC) r.fail(`bad magic 0x${magic.toString(16)} (want 0x${BTF_MAGIC.toString(16)})`);
  const hdrLen = r.u32(4, 'hdr_len');
  const funcOff = hdrLen + r.u32(8, 'func_info_off');
  const funcLen = r.u32(12, 'func_info_len');
  const lineOff = hdrLen + r.u32(16, 'line_info_off');
  const lineLen = r.u32(20, 'line_info_len');

  const funcInfo = readBlocks(r, funcOff, funcLen, FUNC_INFO_MIN, 'func_info', btf, (at, sec) => ({
    insn: insnIndex(r, r.u32(at, 'func_info insn_off'), sec, 'func_info'),
    typeId: r.u32(at + 4, 'func_info type_id'),
  }));
  const lineInfo = readBlocks(r, lineOff, lineLen, LINE_INFO_MIN, 'line_info', btf, (at, sec) => {
    const lineCol = r.u32(at + 12, 'line_info line_col');
    return {
      insn: insnIndex(r, r.u32(at, 'line_info insn_off'), sec, 'line_info'),
      file: btf.string(r.u32(at + 4, 'line_info file_name_off'), `line_info file name in '${sec}'`),
      text: btf.string(r.u32(at + 8, 'line_info line_off'), `line_info source line in '${sec}'`),
      line: lineCol >>> 10,
      col: lineCol & 0x3ff,
    };
  });
  return { funcInfo, lineInfo };
}

/** Each block: rec_size, then {sec_name_off, num_info, records[num_info]} until the end. */
function readBlocks<T>(
  r: ByteReader, off: number, len: number, minRec: number, what: string, btf: Btf,
  readRecord: (at: number, section: string) => T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  if (len === 0) return out;
  r.need(off, len, what);
  const end = off + len;
  const recSize = r.u32(off, `${what} rec_size`);
  if (recSize < minRec) r.fail(`${what} record size ${recSize} is smaller than ${minRec}`);
  let at = off + 4;
  while (at < end) {
    const section = btf.string(r.u32(at, `${what} sec_name_off`), `${what} section name`);
    const count = r.u32(at + 4, `${what} num_info`);
    at += 8;
    if (at + count * recSize > end) r.fail(`${what} for section '${section}' (${count} records) runs past the end of ${what}`);
    const list = out.get(section) ?? [];
    for (let i = 0; i < count; i++, at += recSize) list.push(readRecord(at, section));
    out.set(section, list);
  }
  return out;
}

function insnIndex(r: ByteReader, byteOff: number, section: string, what: string): number {
  if (byteOff % INSN_SIZE !== 0) r.fail(`${what} for section '${section}': insn_off ${byteOff} is not a multiple of ${INSN_SIZE}`);
  return byteOff / INSN_SIZE;
}
