// The slow path of a load or store (the `slowAccess` import): an access the fast check in
// `addr` did not accept. Either it is valid after all (another stack frame, reached by
// pointer arithmetic) and gets its linear address, or it faults with the kind the
// interpreter's memFault gives.

import { FRAME_COUNT, HI_BASE, HI_SHIFT, LO_BASE, MEMORY_REGION_ID, STACK_SIZE, frameBase } from './layout.js';
import { WasmFault } from './wasm-fault.js';

export function slowAccess(hi: number, a: number, size: number, write: number, pc: number, memLen: number): number {
  const what = write ? 'write' : 'read';
  const rel = (hi - HI_BASE) >>> 0;
  const id = rel >>> HI_SHIFT;
  if ((rel & ((1 << HI_SHIFT) - 1)) !== 0 || id === 0 || id > MEMORY_REGION_ID) {
    throw new WasmFault('invalid-address', pc, `${what} of ${size} bytes through a scalar (high word 0x${(hi >>> 0).toString(16)}), not a pointer`);
  }
  const isFrame = id <= FRAME_COUNT;
  const end = isFrame ? STACK_SIZE : memLen;
  const name = isFrame ? `stack[frame ${id - 1}]` : 'memory';
  if (isFrame && a >= LO_BASE && a + size <= LO_BASE + end) return frameBase(id - 1) + (a - LO_BASE);
  throw new WasmFault('out-of-bounds', pc, `${what} of ${size} bytes at offset ${a - LO_BASE} of ${name}, outside [0, ${end})`);
}
