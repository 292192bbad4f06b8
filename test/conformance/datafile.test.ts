import { describe, expect, it } from 'vitest';
import { parseDataFile, DataFileError } from '../../src/conformance/datafile.js';

function parseError(text: string): DataFileError {
  try {
    parseDataFile(text, 'bad.data');
  } catch (e) {
    if (e instanceof DataFileError) return e;
    throw e;
  }
  throw new Error('expected a DataFileError');
}

describe('parseDataFile', () => {
  it('reads every section', () => {
    const text = [
      '# Copyright header',
      '# SPDX-License-Identifier: MIT',
      '-- c',
      'int f() { return --x; }',
      '-- asm',
      'mov %r0, %r2 # comment',
      'exit',
      '-- raw',
      '0x00000000000002bf 149',
      '-- mem',
      '00 01 0x02',
      'ff',
      '-- no register offset',
      'call instruction',
      '-- result',
      '0xFFFFFFFFFFFFFFFF',
    ].join('\n');
    const d = parseDataFile(text, 't.data');
    expect(d.asm).toBe('mov %r0, %r2 # comment\nexit');
    expect(d.asmLine).toBe(6);
    expect(d.raw).toEqual([0x2bfn, 149n]);
    expect([...d.mem]).toEqual([0, 1, 2, 0xff]);
    expect(d.result).toBe(0xffffffffffffffffn);
    expect(d.c).toBe('int f() { return --x; }');
    expect(d.noRegisterOffset).toBe(true);
    expect(d.error).toBeUndefined();
  });

  it('defaults: empty memory, no marker; decimal and negative results', () => {
    const d = parseDataFile('-- asm\nexit\n-- result\n-1\n');
    expect(d.mem).toEqual(new Uint8Array(0));
    expect(d.noRegisterOffset).toBe(false);
    expect(d.result).toBe(0xffffffffffffffffn);
    expect(parseDataFile('-- asm\nexit\n-- result\n42').result).toBe(42n);
  });

  it('reads an expected error and CRLF files', () => {
    const d = parseDataFile('-- asm\r\nexit\r\n-- error\r\nFailed to load code: bad\r\n');
    expect(d.error).toBe('Failed to load code: bad');
    expect(d.result).toBeUndefined();
  });

  it.each<[string, number, RegExp]>([
    ['-- asm\nexit\n-- bogus\n', 3, /unknown section "-- bogus"/],
    ['-- asm\nexit\n-- asm\nexit\n', 3, /duplicate section "-- asm"/],
    ['mov %r0, 1\n-- asm\nexit\n', 1, /text before the first/],
    ['-- asm\nexit\n-- result\n0x1 0x2\n', 3, /expected one value, found 2/],
    ['-- asm\nexit\n-- result\n\n', 3, /expected one value, found 0/],
    ['-- asm\nexit\n-- result\nzz\n', 4, /"zz" is not a number/],
    ['-- asm\nexit\n-- result\n0x10000000000000000\n', 4, /does not fit in 64 bits/],
    ['-- asm\nexit\n-- mem\n00 1ff\n-- result\n0\n', 4, /"1ff" is not a hex byte/],
    ['-- asm\nexit\n-- raw\n0x95 nope\n', 4, /raw: "nope" is not a number/],
    ['-- raw\n\n-- result\n0\n', 1, /raw: no instruction words/],
    ['-- asm\nexit\n-- error\n\n', 3, /error: the section is empty/],
    ['-- result\n0\n', 1, /no "-- asm" or "-- raw" section/],
  ])('rejects %j', (text, line, reason) => {
    const e = parseError(text);
    expect(e.line).toBe(line);
    expect(e.reason).toMatch(reason);
    expect(e.message).toMatch(new RegExp(`^bad\\.data:${line}: `));
  });
});
