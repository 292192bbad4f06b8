// Event helpers: perf event output, ring buffers, trace_printk. What a program emits is
// captured in the run's environment in the order it was emitted.

import type { LoadedObject } from '../vm/loaded-object.js';
import { RegionKind } from '../vm/memory.js';
import { FaultSignal } from '../vm/fault.js';
import { define, HelperTable, memArg, u32, sizeArg, EINVAL, E2BIG, EFAULT, EOPNOTSUPP } from './args.js';
import { formatPrintk } from './printk.js';

const BPF_F_CURRENT_CPU = 0xffffffff;
const CTXLEN_MASK_HI = 0xfffff; // BPF_F_CTXLEN_MASK: bits 32..51 of flags

export function eventHelpers(obj: LoadedObject, t: HelperTable): void {
  const env = obj.env;
  const mapArg = (r: number) => obj.mapAt(obj.vm.L[r]!, obj.vm.H[r]!, `arg${r} (map)`);

  define(t, 'perf_event_output', (vm) => {
    const map = mapArg(2);
    if (map.kind !== 'perf-event-array') throw new FaultSignal('helper-argument', `bpf_perf_event_output to ${map.typeName} map ${map.name}`);
    const flagsLo = u32(vm, 3), flagsHi = vm.H[3]! >>> 0;
    const size = sizeArg(vm, 5, 'size');
    const data = memArg(vm, 4, size, false, 'data');
    if (flagsHi & ~CTXLEN_MASK_HI) return -EINVAL;
    const ctxLen = flagsHi & CTXLEN_MASK_HI;
    let payload: Uint8Array;
    if (ctxLen > 0) {
      const pkt = env.skb?.packet ?? env.xdp?.packet;
      if (!pkt || ctxLen > pkt.length) return -EFAULT;
      payload = new Uint8Array(size + ctxLen);
      payload.set(data);
      payload.set(pkt.data().subarray(0, ctxLen), size);
    } else payload = data.slice();
    const index = flagsLo === BPF_F_CURRENT_CPU ? env.cpu : flagsLo;
    if (index >= map.maxEntries) return -E2BIG;
    // Slot i holds the perf event opened on CPU i (libbpf's perf_buffer, bpftool): an event
    // of another CPU refuses output (__bpf_perf_event_output: event->oncpu != cpu).
    if (index !== env.cpu) return -EOPNOTSUPP;
    const err = map.outputOwned(index, payload); // payload is this call's own copy
    if (err === 0) env.events.push({ map: map.name, kind: 'perf', cpu: index, data: payload });
    return err;
  });

  define(t, 'ringbuf_output', (vm) => {
    const map = mapArg(1);
    if (map.kind !== 'ringbuf') throw new FaultSignal('helper-argument', `bpf_ringbuf_output to ${map.typeName} map ${map.name}`);
    const size = sizeArg(vm, 3, 'size');
    const data = memArg(vm, 2, size, false, 'data');
    const err = map.output(data, u32(vm, 4));
    if (err === 0) env.events.push({ map: map.name, kind: 'ringbuf', data: data.slice() });
    return err;
  });

  define(t, 'ringbuf_reserve', (vm) => {
    const map = mapArg(1);
    if (map.kind !== 'ringbuf') throw new FaultSignal('helper-argument', `bpf_ringbuf_reserve on ${map.typeName} map ${map.name}`);
    if (vm.regU(3) !== 0) return 0; // flags must be 0: NULL
    const record = map.reserve(sizeArg(vm, 2, 'size'));
    if (record === undefined) return 0;
    const region = vm.mem.transient(`ringbuf record of ${map.name}`, RegionKind.Record, record, true);
    region.target = map;
    vm.setRegPtr(0, region, 0);
  });

  const settle = (submit: boolean) => (vm: typeof obj.vm) => {
    const r = vm.mem.regionOf(vm.L[1]!, vm.H[1]!);
    if (r === undefined || r.kind !== RegionKind.Record || vm.L[1] !== r.addrLo(0)) {
      throw new FaultSignal('helper-argument', `arg1 of bpf_ringbuf_${submit ? 'submit' : 'discard'} is not a reserved record`);
    }
    const map = r.target as Extract<ReturnType<typeof mapArg>, { kind: 'ringbuf' }>;
    if (submit) {
      map.submit(r.bytes, u32(vm, 2));
      env.events.push({ map: map.name, kind: 'ringbuf', data: r.bytes.slice() });
    } else {
      map.discard(r.bytes, u32(vm, 2));
    }
    r.setBounds(0, 0, false); // the record is gone: further access faults
    return 0;
  };
  define(t, 'ringbuf_submit', settle(true));
  define(t, 'ringbuf_discard', settle(false));

  define(t, 'ringbuf_query', (vm) => {
    const map = mapArg(1);
    if (map.kind !== 'ringbuf') return 0;
    return map.query(u32(vm, 2));
  });

  define(t, 'trace_printk', (vm) => {
    const size = sizeArg(vm, 2, 'fmt_size');
    const fmt = memArg(vm, 1, size, false, 'fmt');
    const res = formatPrintk(fmt, [3, 4, 5].map((r) => ({ lo: vm.L[r]!, hi: vm.H[r]! })), (lo, hi, max) => {
      const region = vm.mem.regionOf(lo, hi);
      if (!region) return undefined;
      const off = lo - region.addrLo(0);
      const end = Math.min(region.end, off + max);
      if (off < region.start || off >= end) return undefined;
      return region.bytes.subarray(off, end);
    });
    if (typeof res === 'number') return res;
    env.printk.push(res);
    return Buffer.byteLength(res, 'latin1');
  });
}
