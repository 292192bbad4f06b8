// Perf event and ring buffer output (test/fixtures/vm/events.c): every event captured, in the
// order the program emitted it, with its payload; discarded records and refused outputs absent.
import { describe, expect, it } from 'vitest';
import { haveClang, loadVmFixture } from '../vm/compile.js';
import { IPPROTO_UDP, hexOf, ipv4Packet } from './packets.js';
import { ret, run } from './run.js';

const PKT = ipv4Packet({ proto: IPPROTO_UDP }); // 50 bytes
const ev = (seq: number, len: number) => hexOf(new Uint8Array(new Uint32Array([seq, len]).buffer));

describe.skipIf(!haveClang)('event helpers', () => {
  it('captures perf and ring buffer events in emission order, with their payloads', async () => {
    const obj = await loadVmFixture('events');
    const res = run(obj, 'emit', { dataIn: PKT });
    // 0: every helper returned what the program checks (r4 == -EFAULT, r5 == -EINVAL)
    expect(ret(res)).toBe(0);
    expect(res.events.map((e) => [e.map, e.kind, hexOf(e.data)])).toEqual([
      ['perf', 'perf', ev(1, 50)],
      ['rb', 'ringbuf', ev(2, 50)],
      ['rb', 'ringbuf', ev(3, 0xabcd)], // reserved, written, submitted; the discarded one is absent
      ['perf', 'perf', ev(4, 50) + hexOf(PKT.subarray(0, 14))], // BPF_F_CTXLEN_MASK: 14 packet bytes appended
    ]);
  });

  it('BPF_F_CURRENT_CPU writes to the slot of the CPU the program runs on', async () => {
    const obj = await loadVmFixture('events', { nCpus: 4 });
    obj.env.cpu = 2;
    const res = run(obj, 'emit', { dataIn: PKT });
    expect(res.events.filter((e) => e.kind === 'perf').map((e) => e.cpu)).toEqual([2, 2]);
  });

  it('each run reports its own events', async () => {
    const obj = await loadVmFixture('events');
    run(obj, 'emit', { dataIn: PKT });
    const second = run(obj, 'emit', { dataIn: ipv4Packet({ proto: IPPROTO_UDP, payload: new Uint8Array(20) }) });
    expect(second.events).toHaveLength(4);
    expect(hexOf(second.events[0]!.data)).toBe(ev(1, 62));
  });
});
