// Per-CPU values as userspace sees them. The kernel's syscall ABI passes one buffer holding
// every possible CPU's value, each in a slot of round_up(value_size, 8) bytes; the API here
// also takes one Uint8Array per CPU, or a single value for every CPU.

import { EINVAL } from './constants.js';
import { MapError } from './map-error.js';

export function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes of the kernel's userspace buffer for one per-CPU entry. */
export function percpuBufferSize(valueSize: number, nCpus: number): number {
  return roundUp8(valueSize) * nCpus;
}

/** The kernel's userspace layout: CPU i at offset i * round_up(value_size, 8), padding zero. */
export function packPercpu(values: readonly Uint8Array[], valueSize: number): Uint8Array {
  const stride = roundUp8(valueSize);
  const out = new Uint8Array(stride * values.length);
  values.forEach((v, cpu) => out.set(v.subarray(0, valueSize), cpu * stride));
  return out;
}

export function unpackPercpu(buffer: Uint8Array, valueSize: number, nCpus: number): Uint8Array[] {
  const stride = roundUp8(valueSize);
  return Array.from({ length: nCpus }, (_, cpu) => buffer.slice(cpu * stride, cpu * stride + valueSize));
}

/**
 * What a per-CPU userspace update may pass:
 * - one Uint8Array per CPU (an array of length 1 is written to every CPU);
 * - a Uint8Array of value_size bytes: written to every CPU;
 * - a Uint8Array of nCpus * round_up(value_size, 8) bytes: the kernel's packed buffer.
 */
export type PercpuInput = readonly Uint8Array[] | Uint8Array;

/** One value per CPU from a PercpuInput; throws a MapError naming `mapName` on bad sizes. */
export function percpuValues(input: PercpuInput, valueSize: number, nCpus: number, mapName: string): Uint8Array[] {
  if (input instanceof Uint8Array) {
    if (input.length === valueSize) return Array.from({ length: nCpus }, () => input);
    if (input.length === percpuBufferSize(valueSize, nCpus)) return unpackPercpu(input, valueSize, nCpus);
    throw new MapError(
      mapName,
      `per-CPU value is ${input.length} bytes: expected ${valueSize} (one value for every CPU) or ` +
        `${percpuBufferSize(valueSize, nCpus)} (${nCpus} CPUs x round_up(${valueSize}, 8))`,
      EINVAL,
    );
  }
  if (input.length !== nCpus && input.length !== 1) {
    throw new MapError(mapName, `${input.length} per-CPU values for ${nCpus} CPUs`, EINVAL);
  }
  for (const v of input) {
    if (v.length !== valueSize) throw new MapError(mapName, `per-CPU value is ${v.length} bytes, value_size is ${valueSize}`, EINVAL);
  }
  return input.length === nCpus ? [...input] : Array.from({ length: nCpus }, () => input[0]);
}
