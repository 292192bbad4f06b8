// Calls: helpers by id (arguments r1..r5, result in r0), BPF-to-BPF calls (r6-r9 preserved,
// a stack frame per call, the kernel's 8-frame limit) and unknown helpers.
import { describe, expect, it } from 'vitest';
import { faultOf, r0Of, runAsm } from './asm-run.js';
import { lddw } from './ref.js';

describe('helper calls', () => {
  it('pass r1..r5 as unsigned 64-bit values and put the result in r0', () => {
    const seen: bigint[][] = [];
    const helpers = new Map([[7, (args: bigint[]) => { seen.push(args); return 0xfedcba9876543210n; }]]);
    const r0 = r0Of([
      'mov %r1, -1', 'mov %r2, 2', lddw(3, 0x8000000000000000n), 'mov32 %r4, -1', 'mov %r5, 0', 'call 7', 'exit',
    ].join('\n'), undefined, { helpers });
    expect(r0).toBe(0xfedcba9876543210n);
    expect(seen).toEqual([[0xffffffffffffffffn, 2n, 0x8000000000000000n, 0xffffffffn, 0n]]);
  });

  it('a negative result is r0 as a 64-bit two\'s complement value', () => {
    const helpers = new Map([[1, () => -22n]]);
    expect(r0Of('call 1\nexit', undefined, { helpers })).toBe(0xffffffffffffffean);
  });

  it('helpers run in program order, and the program continues after each', () => {
    const order: bigint[] = [];
    const helpers = new Map([[2, (a: bigint[]) => { order.push(a[0]!); return a[0]! * 2n; }]]);
    const r0 = r0Of('mov %r1, 1\ncall 2\nmov %r1, %r0\ncall 2\nmov %r1, %r0\ncall 2\nexit', undefined, { helpers });
    expect(order).toEqual([1n, 2n, 4n]);
    expect(r0).toBe(8n);
  });

  it("a helper that unwinds stops the program with r0 = 0", () => {
    const helpers = new Map<number, (a: bigint[]) => bigint | 'unwind'>([[9, () => 'unwind']]);
    const res = runAsm('mov %r0, 5\ncall 9\nmov %r0, 6\nexit', undefined, { helpers });
    expect(res).toMatchObject({ ok: true, r0: 0n });
  });

  it('an unknown helper id is an unknown-helper fault naming the helper and the pc', () => {
    const f = faultOf('mov %r0, 0\ncall 5\nexit');
    expect(f.kind).toBe('unknown-helper');
    expect(f.pc).toBe(1);
    expect(f.message).toMatch(/bpf_ktime_get_ns/);
    const g = faultOf('call 100000\nexit');
    expect(g.kind).toBe('unknown-helper');
    expect(g.message).toMatch(/100000/);
  });

  it('callx calls the helper whose id is in the register (conformance extension)', () => {
    const helpers = new Map([[5, () => 55n]]);
    expect(r0Of('mov %r3, 5\ncallx %r3\nexit', undefined, { helpers })).toBe(55n);
  });
});

describe('BPF-to-BPF calls', () => {
  it('pass arguments in r1..r5 and return r0; the caller continues after the call', () => {
    const text = ['mov %r1, 20', 'mov %r2, 22', 'call local add', 'add %r0, 100', 'exit', 'add: mov %r0, %r1', 'add %r0, %r2', 'exit'].join('\n');
    expect(r0Of(text)).toBe(142n);
  });

  it('preserve r6..r9 across the call even when the callee overwrites them', () => {
    const text = [
      'mov %r6, 0x66', 'mov %r7, 0x77', 'mov %r8, 0x88', 'mov %r9, 0x99',
      'call local f',
      'mov %r0, %r6', 'lsh %r0, 8', 'or %r0, %r7', 'lsh %r0, 8', 'or %r0, %r8', 'lsh %r0, 8', 'or %r0, %r9',
      'exit',
      'f: mov %r6, 1', 'mov %r7, 2', 'mov %r8, 3', 'mov %r9, 4', 'mov %r0, 0', 'exit',
    ].join('\n');
    expect(r0Of(text).toString(16)).toBe('66778899');
  });

  it('give each call its own stack frame (r10)', () => {
    const text = [
      'stdw [%r10-8], 111', 'mov %r6, %r10', 'call local f',
      'jeq %r0, %r6, same', // the callee saw a different r10
      'ldxdw %r0, [%r10-8]', 'exit',
      'same: mov %r0, -1', 'exit',
      'f: stdw [%r10-8], 222', 'mov %r0, %r10', 'exit',
    ].join('\n');
    expect(r0Of(text)).toBe(111n);
  });

  it("let the callee read and write the caller's stack through a pointer", () => {
    const text = [
      'stdw [%r10-8], 5', 'mov %r1, %r10', 'add %r1, -8', 'call local f', 'ldxdw %r0, [%r10-8]', 'exit',
      'f: ldxdw %r2, [%r1]', 'mul %r2, 10', 'stxdw [%r1], %r2', 'mov %r0, 0', 'exit',
    ].join('\n');
    expect(r0Of(text)).toBe(50n);
  });

  it('a callee frame is 512 bytes too, and its bounds are checked', () => {
    expect(r0Of('call local f\nexit\nf: stdw [%r10-512], 3\nldxdw %r0, [%r10-512]\nexit')).toBe(3n);
    const f = faultOf('call local f\nexit\nf: mov %r0, 0\nldxb %r0, [%r10-513]\nexit');
    expect(f.kind).toBe('out-of-bounds');
    expect(f.pc).toBe(3);
  });

  it('recursion: 5! = 120 (six frames)', () => {
    const text = [
      'mov %r1, 5', 'call local fact', 'exit',
      'fact: mov %r0, 1',
      'jle %r1, 1, done',
      'mov %r6, %r1',
      'sub %r1, 1',
      'call local fact',
      'mul %r0, %r6',
      'done: exit',
    ].join('\n');
    expect(r0Of(text)).toBe(120n);
  });

  it('count executed instructions in callees', () => {
    const res = runAsm('call local f\nexit\nf: mov %r0, 7\nexit');
    expect(res).toEqual({ ok: true, r0: 7n, insnCount: 4 });
  });

  const chain = (frames: number) => [
    'mov %r1, 0', // 0
    'call local f', // 1
    'exit', // 2
    `f: add %r1, 1`, // 3: frame number
    'mov %r0, %r1', // 4
    `jge %r1, ${frames - 1}, +1`, // 5
    'call local f', // 6
    'exit', // 7
  ].join('\n');

  it('allow 8 frames (MAX_CALL_FRAMES): main and 7 nested calls', () => {
    expect(r0Of(chain(8))).toBe(7n);
  });

  it('fault with call-depth at the call that would open a 9th frame', () => {
    const f = faultOf(chain(9));
    expect(f.kind).toBe('call-depth');
    expect(f.pc).toBe(6);
  });

  it('unbounded recursion is a call-depth fault, not a budget fault', () => {
    const f = faultOf('call local f\nexit\nf: call local f\nexit');
    expect(f.kind).toBe('call-depth');
    expect(f.pc).toBe(2);
  });

  it('frames are reused: many sequential calls at the same depth are fine', () => {
    const text = [
      'mov %r6, 0', 'mov %r7, 20',
      'loop: call local f', 'add %r6, %r0', 'sub %r7, 1', 'jne %r7, 0, loop',
      'mov %r0, %r6', 'exit',
      'f: mov %r0, 3', 'exit',
    ].join('\n');
    expect(r0Of(text)).toBe(60n);
  });
});
