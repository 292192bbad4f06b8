import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ElfError, loadObjectSpec, parseObjectSpec } from '../../src/elf/index.js';
import { compileFixture, haveClang } from './compile.js';
import { findSection, view } from './elf-bytes.js';

/** The ElfError thrown by parsing `bytes` (fails the test if none, or another type, is thrown). */
function parseError(bytes: Uint8Array, path = 'bad.o'): ElfError {
  try {
    parseObjectSpec(bytes, path);
  } catch (e) {
    if (e instanceof ElfError) return e;
    throw new Error(`expected ElfError, got ${(e as Error)?.constructor?.name}: ${(e as Error).message}`);
  }
  throw new Error('expected an ElfError, parse succeeded');
}

describe('malformed headers', () => {
  it('rejects bad magic', () => {
    expect(parseError(new TextEncoder().encode('#!/bin/sh\necho not elf\n')).message).toBe('bad.o: not an ELF file (bad magic; expected 7f 45 4c 46)');
    expect(parseError(new Uint8Array(0)).message).toMatch(/bad magic/);
  });

  it('reports a missing file', async () => {
    await expect(loadObjectSpec('/nonexistent/x.o')).rejects.toThrow(/\/nonexistent\/x\.o: cannot read file/);
  });
});

describe.skipIf(!haveClang)('malformed objects', () => {
  let good: Uint8Array;
  const copy = () => new Uint8Array(good);
  beforeAll(() => {
    good = new Uint8Array(readFileSync(compileFixture('progs')));
  });

  it('rejects a truncated file', () => {
    expect(parseError(good.slice(0, 40)).message).toMatch(/^bad\.o: ELF header truncated \(40 of 64 bytes\)/);
    expect(parseError(good.slice(0, good.length - 100)).message).toMatch(/section header table: .*past the end.*truncated/);
  });

  it('rejects section contents that run past the end of the file', () => {
    const bytes = copy();
    const btf = findSection(bytes, '.BTF');
    view(bytes).setBigUint64(btf.header + 32, BigInt(bytes.length), true);
    expect(parseError(bytes).message).toMatch(/section '\.BTF': contents at offset \d+ \(\+\d+ bytes\) are past the end of the file/);
  });

  it('rejects the wrong machine and class', () => {
    const x86 = copy();
    view(x86).setUint16(18, 62, true);
    expect(parseError(x86).message).toBe('bad.o: wrong machine 62 (e_machine must be EM_BPF = 247)');
    const elf32 = copy();
    elf32[4] = 1;
    expect(parseError(elf32).message).toMatch(/ELF64/);
    const be = copy();
    be[5] = 2;
    expect(parseError(be).message).toMatch(/big-endian/);
  });

  it('rejects a relocation to an undefined (extern) symbol, naming it', async () => {
    const path = compileFixture('extern');
    await expect(loadObjectSpec(path)).rejects.toThrow(ElfError);
    await expect(loadObjectSpec(path)).rejects.toThrow(
      /relocation in section 'tc' at offset 0 \(symbol 'missing_tunable', type 1\): undefined \(extern\) symbol/,
    );
  });

  it('rejects BTF-defined maps without BTF', async () => {
    await expect(loadObjectSpec(compileFixture('progs', ['-g0']))).rejects.toThrow(/section '\.maps' needs BTF \(compile with -g\)/);
  });

  it('rejects a relocation whose symbol index is out of range', () => {
    const bytes = copy();
    const rel = findSection(bytes, '.reltc');
    view(bytes).setUint32(rel.offset + 12, 0xffff, true); // r_info high word: symbol
    expect(parseError(bytes).message).toMatch(/section '\.reltc': relocation at offset 0 refers to unknown symbol #65535/);
  });

  it('rejects an unknown relocation type, naming section, offset and symbol', () => {
    const bytes = copy();
    const rel = findSection(bytes, '.reltc');
    view(bytes).setUint32(rel.offset + 8, 99, true); // r_info low word: type
    expect(parseError(bytes).message).toMatch(/relocation in section 'tc' at offset 0 \(symbol 'account', type 99\): unsupported relocation type/);
  });

  it('rejects a relocation that does not point at an instruction', () => {
    const bytes = copy();
    const rel = findSection(bytes, '.reltc');
    view(bytes).setBigUint64(rel.offset, 0x100000n, true);
    expect(parseError(bytes).message).toMatch(/relocation in section 'tc' at offset 1048576 .*not an instruction/);
  });

  it('rejects truncated BTF', () => {
    const shortSection = copy();
    const btf = findSection(shortSection, '.BTF');
    view(shortSection).setBigUint64(btf.header + 32, 40n, true);
    expect(parseError(shortSection).message).toMatch(/section '\.BTF': type section at offset 24 \(\+\d+ bytes\) is past the end \(40 bytes\); truncated\?/);

    const shortTypes = copy();
    view(shortTypes).setUint32(btf.offset + 12, 10, true); // type_len cuts type #1 in half
    expect(parseError(shortTypes).message).toMatch(/section '\.BTF' type section: type #1 at offset 8 .*past the end \(10 bytes\)/);
  });

  it('rejects bad BTF magic and unknown kinds', () => {
    const magic = copy();
    const btf = findSection(magic, '.BTF');
    view(magic).setUint16(btf.offset, 0x9feb, true);
    expect(parseError(magic).message).toMatch(/section '\.BTF' header: bad magic 0x9feb/);

    const kind = copy();
    const info = btf.offset + 24 + 4; // type #1's info word
    view(kind).setUint32(info, (view(kind).getUint32(info, true) & ~(0x1f << 24)) | (30 << 24), true);
    expect(parseError(kind).message).toMatch(/type #1 .* has unknown kind 30/);
  });

  it('rejects truncated BTF.ext', () => {
    const bytes = copy();
    const ext = findSection(bytes, '.BTF.ext');
    view(bytes).setBigUint64(ext.header + 32, 60n, true);
    expect(parseError(bytes).message).toMatch(/section '\.BTF\.ext'.*(past the end|truncated)/);
  });

  it('throws only ElfError for truncations and random corruption', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const attempts: Uint8Array[] = [];
    for (let len = 0; len < good.length; len += 97) attempts.push(good.slice(0, len));
    const hot = ['.BTF', '.BTF.ext', '.symtab', '.reltc', '.maps', '.rel.maps', 'tc'].map((n) => findSection(good, n));
    for (let i = 0; i < 400; i++) {
      const bytes = copy();
      const s = hot[i % hot.length]!;
      for (let k = 0; k < 1 + rand(4); k++) bytes[s.offset + rand(s.size)] = rand(256);
      attempts.push(bytes);
    }
    for (const bytes of attempts) {
      try {
        parseObjectSpec(bytes, 'fuzz.o');
      } catch (e) {
        if (!(e instanceof ElfError)) throw new Error(`non-ElfError ${(e as Error).name}: ${(e as Error).message}`);
        expect((e as Error).message.startsWith('fuzz.o: ')).toBe(true);
      }
    }
  });
});
