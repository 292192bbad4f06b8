// The pure comparison catches planted differences, names the right field, and applies
// only the normalisations it documents.
import { describe, expect, test } from 'vitest';
import { compareSides, formatDiff, paddedPerfSize, type MapNormaliser, type MapSnapshot, type RunRecord, type SideRecord } from '../../src/diff/index.js';

const bytes = (...v: number[]) => Uint8Array.from(v);
const u64 = (v: number) => new Uint8Array(new BigUint64Array([BigInt(v)]).buffer);
const u32 = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);

function run(over: Partial<RunRecord> = {}): RunRecord {
  return { retval: 0, dataOut: bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14), events: [], fault: null, ...over };
}

function counters(values: [number, number][]): MapSnapshot {
  return {
    name: 'counters', kind: 'hash', keySize: 4, valueSize: 8,
    keyLayout: { kind: 'int', size: 4, signed: false }, valueLayout: { kind: 'int', size: 8, signed: false },
    entries: values.map(([k, v]) => ({ key: u32(k), value: u64(v) })),
  };
}

const side = (runs: RunRecord[], maps: MapSnapshot[] = []): SideRecord => ({ runs, maps });
const fields = (e: SideRecord, k: SideRecord, opts = {}) => compareSides(e, k, opts).divergences.map((d) => `${d.input} ${d.field}`);

describe('compareSides', () => {
  test('identical sides agree', () => {
    const s = side([run(), run({ retval: 7 })], [counters([[1, 10]])]);
    expect(compareSides(s, s)).toEqual({ divergences: [], normalisations: [] });
  });

  test('a retval mismatch names the input and shows -errno readably', () => {
    const { divergences } = compareSides(side([run(), run({ retval: 2 })]), side([run(), run({ retval: -22 >>> 0 })]));
    expect(divergences).toEqual([{ input: 1, field: 'retval', emulator: '2', kernel: '4294967274 (-22)' }]);
  });

  test('a one-byte data_out change names the first differing offset and dumps both sides', () => {
    const emu = run();
    const ker = run({ dataOut: emu.dataOut.slice() });
    ker.dataOut[11] = 0xee;
    const [d] = compareSides(side([emu]), side([ker])).divergences;
    expect(d!.field).toBe('data_out[11]');
    expect(d!.emulator).toContain('byte 11 = 0x0c');
    expect(d!.kernel).toContain('byte 11 = 0xee');
    expect(d!.kernel).toContain('[ee]');
  });

  test('a shorter data_out differs where it ends', () => {
    expect(fields(side([run()]), side([run({ dataOut: run().dataOut.subarray(0, 10) })]))).toEqual(['0 data_out[10]']);
  });

  test('a map value changed on one side only', () => {
    const { divergences } = compareSides(side([run()], [counters([[1, 10], [2, 20]])]), side([run()], [counters([[1, 10], [2, 21]])]));
    expect(divergences).toEqual([{ input: 'final', field: 'map counters[key=2]', emulator: '20', kernel: '21' }]);
  });

  test('an entry present on one side only', () => {
    expect(compareSides(side([], [counters([[1, 10]])]), side([], [counters([[1, 10], [3, 30]])])).divergences).toEqual([
      { input: 'final', field: 'map counters[key=3]', emulator: '(no entry)', kernel: '30' },
    ]);
  });

  test('per-CPU values differ per CPU', () => {
    const pcpu = (cpu1: number): MapSnapshot => ({ name: 'pc', kind: 'percpu-array', keySize: 4, valueSize: 8, entries: [{ key: u32(0), value: [u64(1), u64(cpu1)] }] });
    expect(fields(side([], [pcpu(5)]), side([], [pcpu(6)]))).toEqual(['final map pc[key=0] cpu1']);
  });

  test('a missing event, and a ring record with different bytes', () => {
    const e = run({ events: [{ map: 'rb', kind: 'ringbuf', data: bytes(1, 2) }, { map: 'rb', kind: 'ringbuf', data: bytes(3) }] });
    const k = run({ events: [{ map: 'rb', kind: 'ringbuf', data: bytes(1, 9) }] });
    expect(fields(side([e]), side([k]))).toEqual(['0 events[0].data[1]', '0 events[1]']);
  });

  test('perf padding: exactly round_up(n + 4, 8) - 4 bytes come back, and only the pad is ignored', () => {
    expect([1, 4, 5, 8, 12, 13].map(paddedPerfSize)).toEqual([4, 4, 12, 12, 12, 20]);
    const emu = run({ events: [{ map: 'pb', kind: 'perf', data: bytes(1, 2, 3, 4, 5) }] });
    const padded = (tail: number[]) => run({ events: [{ map: 'pb', kind: 'perf', data: bytes(1, 2, 3, 4, 5, ...tail) }] });
    const ok = compareSides(side([emu]), side([padded([9, 9, 9, 9, 9, 9, 9])]));
    expect(ok.divergences).toEqual([]);
    expect(ok.normalisations.map((n) => n.name)).toEqual(['perf-sample-padding']);
    expect(fields(side([emu]), side([padded([0, 0, 0])]))).toEqual(['0 events[0].length']);
    const changed = run({ events: [{ map: 'pb', kind: 'perf', data: bytes(1, 2, 3, 4, 6, 0, 0, 0, 0, 0, 0, 0) }] });
    expect(fields(side([emu]), side([changed]))).toEqual(['0 events[0].data[4]']);
  });

  test('events of different maps are compared in the kernel side\'s map order', () => {
    const a = { map: 'ring', kind: 'ringbuf' as const, data: bytes(1) };
    const b = { map: 'perf', kind: 'perf' as const, data: bytes(1, 2, 3, 4) };
    const result = compareSides(side([run({ events: [a, b] })]), side([run({ events: [b, a] })]), { eventMapOrder: ['perf', 'ring'] });
    expect(result.divergences).toEqual([]);
    expect(result.normalisations.map((n) => n.name)).toEqual(['events-grouped-by-map']);
    expect(fields(side([run({ events: [a, b] })]), side([run({ events: [b, a] })]))).toEqual(['0 events[0]', '0 events[1]']);
  });

  test('ctx_out differences are named by __sk_buff field', () => {
    const ctx = () => new Uint8Array(192);
    const k = ctx();
    k[8] = 6; // mark
    k[52] = 1; // cb[1]
    expect(fields(side([run({ ctxOut: ctx() })]), side([run({ ctxOut: k })]))).toEqual(['0 ctx_out.mark', '0 ctx_out.cb[1]']);
  });

  test('a VM fault is a divergence; so is an input only one side refuses', () => {
    const faulted = run({ fault: 'fault: out-of-bounds at x.c:3: read past the packet' });
    expect(fields(side([faulted]), side([run()]))).toEqual(['0 fault']);
    const refused = run({ refused: { errno: 22, message: 'too short' } });
    expect(fields(side([refused]), side([run()]))).toEqual(['0 input']);
    expect(fields(side([refused]), side([refused]))).toEqual([]);
  });

  test('a named normaliser hook is applied to both sides and reported', () => {
    const stamp: MapNormaliser = {
      name: 'zero-timestamps', reason: 'values hold ktime_get_ns()',
      applies: (m) => m.name === 'counters',
      normalise: (m) => ({ ...m, entries: m.entries.map((e) => ({ key: e.key, value: u64(0) })) }),
    };
    const e = side([], [counters([[1, 111]])]), k = side([], [counters([[1, 222]])]);
    expect(fields(e, k)).toEqual(['final map counters[key=1]']);
    const result = compareSides(e, k, { mapNormalisers: [stamp] });
    expect(result).toEqual({ divergences: [], normalisations: [{ name: 'zero-timestamps', reason: 'values hold ktime_get_ns()' }] });
  });

  test('prog array slots compare by occupancy only', () => {
    const slots = (...k: number[]): MapSnapshot => ({ name: 'jmp', kind: 'prog-array', keySize: 4, valueSize: 4, entries: k.map((i) => ({ key: u32(i), value: null })) });
    const same = compareSides(side([], [slots(0, 1)]), side([], [slots(0, 1)]));
    expect(same.normalisations.map((n) => n.name)).toEqual(['fd-array-occupied-slots']);
    expect(fields(side([], [slots(0, 1)]), side([], [slots(0)]))).toEqual(['final map jmp[key=1]']);
  });

  test('formatDiff shows every divergence with both sides', () => {
    const text = formatDiff(compareSides(side([run({ retval: 1 })]), side([run({ retval: 2 })])));
    expect(text).toContain('1 divergence:');
    expect(text).toMatch(/input 0: retval\n\s+emulator: 1\n\s+kernel\s*: 2/);
  });
});
