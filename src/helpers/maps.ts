// Map helpers: lookup/update/delete, tail calls, iteration with a callback.

import type { LoadedObject, LoadedProgram } from '../vm/loaded-object.js';
import { RegionKind } from '../vm/memory.js';
import { FaultSignal } from '../vm/fault.js';
import { LIMITS } from '../isa/opcodes.js';
import { define, HelperTable, memArg, u32, EINVAL, ENOTSUPP } from './args.js';
import type { AnyBpfMap } from '../maps/index.js';

const ITERABLE = new Set(['hash', 'percpu-hash', 'array', 'percpu-array']);

export function mapHelpers(obj: LoadedObject, t: HelperTable): void {
  const mem = obj.vm.mem;
  const mapArg = (r: number) => obj.mapAt(obj.vm.L[r]!, obj.vm.H[r]!, `arg${r} (map)`);
  const valuePointer = (map: AnyBpfMap, value: Uint8Array) => {
    const region = mem.transient(`value of ${map.name}`, RegionKind.MapValue, value, !map.progReadonly);
    obj.vm.setRegPtr(0, region, 0);
  };

  define(t, 'map_lookup_elem', (vm) => {
    const map = mapArg(1);
    const key = memArg(vm, 2, map.keySize, false, 'key');
    if (map.kind === 'array-of-maps' || map.kind === 'hash-of-maps') {
      const inner = map.lookupMap(key);
      if (!inner) return 0;
      const h = obj.mapHandle(inner);
      vm.setRegPtr(0, h, 0);
      return;
    }
    if (map.kind === 'prog-array' || map.kind === 'perf-event-array' || map.kind === 'ringbuf') {
      throw new FaultSignal('helper-argument', `bpf_map_lookup_elem on ${map.typeName} map ${map.name} (the verifier refuses it)`);
    }
    const value = map.lookup(key);
    if (value === undefined) return 0;
    valuePointer(map, value);
  });

  define(t, 'map_update_elem', (vm) => {
    const map = mapArg(1);
    const key = memArg(vm, 2, map.keySize, false, 'key');
    const value = memArg(vm, 3, map.valueSize, false, 'value');
    return map.update(key, value, vm.regU(4));
  });

  define(t, 'map_delete_elem', (vm) => {
    const map = mapArg(1);
    const key = memArg(vm, 2, map.keySize, false, 'key');
    return map.delete(key);
  });

  define(t, 'map_lookup_percpu_elem', (vm) => {
    const map = mapArg(1);
    const key = memArg(vm, 2, map.keySize, false, 'key');
    const cpu = u32(vm, 3);
    if (map.kind !== 'percpu-array' && map.kind !== 'percpu-hash') return 0;
    const value = map.lookupPercpu(key, cpu);
    if (value === undefined) return 0;
    valuePointer(map, value);
  });

  define(t, 'tail_call', (vm) => {
    const map = mapArg(2);
    if (map.kind !== 'prog-array') throw new FaultSignal('helper-argument', `bpf_tail_call through ${map.typeName} map ${map.name}`);
    const index = u32(vm, 3);
    // The kernel's order: bounds, then the count (incremented even for an empty slot), then the slot.
    if (index >= map.maxEntries) return;
    if (vm.tailCallCount >= LIMITS.MAX_TAIL_CALLS) return;
    vm.tailCallCount++;
    const target = map.getProgram(index) as LoadedProgram | undefined;
    if (target === undefined) return;
    vm.pendingTailCall = target.decoded;
  });

  define(t, 'for_each_map_elem', (vm) => {
    const map = mapArg(1);
    const fn = obj.functionAt(vm.L[2]!, vm.H[2]!, 'arg2 (callback)');
    const ctxLo = vm.L[3]!, ctxHi = vm.H[3]!;
    if (vm.regU(4) !== 0) return -EINVAL;
    if (!ITERABLE.has(map.kind)) return -ENOTSUPP;
    let n = 0;
    for (let key = map.nextKey(undefined); key !== undefined; key = map.nextKey(key)) {
      const value = map.lookup(key);
      if (value === undefined) continue;
      n++;
      const keyRegion = mem.transient(`key of ${map.name}`, RegionKind.MapValue, key.slice(), false);
      const valueRegion = mem.transient(`value of ${map.name}`, RegionKind.MapValue, value, !map.progReadonly);
      vm.setRegPtr(1, obj.mapHandle(map), 0);
      vm.setRegPtr(2, keyRegion, 0);
      vm.setRegPtr(3, valueRegion, 0);
      vm.L[4] = ctxLo; vm.H[4] = ctxHi;
      vm.L[5] = 0; vm.H[5] = 0;
      if (vm.callback(fn.prog, fn.pc) !== 0) break;
    }
    return n;
  });
}
