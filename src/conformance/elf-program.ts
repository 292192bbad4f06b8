// Pulls the program out of the minimal ELF object the bpf_conformance runner sends with --elf:
// a little-endian ELF64 relocatable file whose one executable section holds the instructions.

const SHT_PROGBITS = 1;
const SHT_REL = 9;
const SHF_EXECINSTR = 0x4;

export class ElfProgramError extends Error {}

export function programFromElf(bytes: Uint8Array): Uint8Array {
  const fail = (reason: string): never => {
    throw new ElfProgramError(`ELF: ${reason}`);
  };
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) fail('not an ELF file');
  if (bytes[4] !== 2 || bytes[5] !== 1) fail('only little-endian ELF64 is supported');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  if (shentsize < 64 || shoff + shnum * shentsize > bytes.length) fail('section headers lie outside the file');
  let code: Uint8Array | undefined;
  for (let n = 0; n < shnum; n++) {
    const at = shoff + n * shentsize;
    const type = view.getUint32(at + 4, true);
    const flags = Number(view.getBigUint64(at + 8, true));
    const offset = Number(view.getBigUint64(at + 24, true));
    const size = Number(view.getBigUint64(at + 32, true));
    if (type === SHT_REL && size > 0) fail('relocations (maps) are not supported');
    if (type !== SHT_PROGBITS || !(flags & SHF_EXECINSTR) || size === 0) continue;
    if (code) fail('more than one executable section');
    if (offset + size > bytes.length) fail('executable section lies outside the file');
    code = bytes.subarray(offset, offset + size);
  }
  return code ?? fail('no executable section');
}
