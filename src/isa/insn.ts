// One instruction type, {opcode, dst, src, off, imm}, and the conversions between it, the
// 8-byte wire encoding (little-endian, as clang emits for -target bpf / bpfel), and the
// predecoded typed arrays the interpreter runs from.

export interface Insn {
  opcode: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

export const INSN_SIZE = 8;

/** Decode one slot at byte offset `at` (no validation: the decoder below validates). */
export function decodeSlot(view: DataView, at: number): Insn {
  const regs = view.getUint8(at + 1);
  return {
    opcode: view.getUint8(at),
    dst: regs & 0x0f,
    src: regs >> 4,
    off: view.getInt16(at + 2, true),
    imm: view.getInt32(at + 4, true),
  };
}

/** Decode raw little-endian bytecode into instruction slots (an LDDW occupies two slots). */
export function decodeBytes(bytes: Uint8Array): Insn[] {
  if (bytes.length % INSN_SIZE !== 0) {
    throw new RangeError(`bytecode length ${bytes.length} is not a multiple of ${INSN_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let at = 0; at < bytes.length; at += INSN_SIZE) out.push(decodeSlot(view, at));
  return out;
}

export function encodeInsns(insns: readonly Insn[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * INSN_SIZE);
  const view = new DataView(bytes.buffer);
  insns.forEach((i, n) => {
    const at = n * INSN_SIZE;
    view.setUint8(at, i.opcode);
    view.setUint8(at + 1, ((i.src & 0x0f) << 4) | (i.dst & 0x0f));
    view.setInt16(at + 2, i.off, true);
    view.setInt32(at + 4, i.imm, true);
  });
  return bytes;
}

/** Parse one 64-bit instruction word as written in bpf_conformance `-- raw` sections. */
export function insnFromWord(word: bigint): Insn {
  const w = BigInt.asUintN(64, word);
  return {
    opcode: Number(w & 0xffn),
    dst: Number((w >> 8n) & 0xfn),
    src: Number((w >> 12n) & 0xfn),
    off: Number(BigInt.asIntN(16, (w >> 16n) & 0xffffn)),
    imm: Number(BigInt.asIntN(32, w >> 32n)),
  };
}
