// BPF_MAP_TYPE_PROG_ARRAY: slots of programs for bpf_tail_call. Programs are opaque to the
// maps (the VM's handle type `P`); each slot also keeps a name for JSON dumps.

import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import { nextArrayKey } from './array-map.js';
import { BPF_ANY, E2BIG, EINVAL, ENOENT, EPERM } from './constants.js';
import { indexKey, readIndex } from './key-id.js';

interface ProgramSlot<P> {
  readonly program: P;
  readonly name: string;
}

export class ProgArrayMap<P = unknown> extends BpfMap<P, P> {
  readonly kind = 'prog-array';
  readonly #slots: (ProgramSlot<P> | undefined)[] = [];
  #count = 0;

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts);
  }

  /** The tail-call target at an index; undefined makes bpf_tail_call fall through. */
  getProgram(index: number): P | undefined {
    return this.#slots[index]?.program;
  }

  programName(index: number): string | undefined {
    return this.#slots[index]?.name;
  }

  /** Userspace: install a program. `name` defaults to the handle's `name` property. 0 or -errno. */
  setProgram(index: number, program: P, name?: string): number {
    if (this.userReadonly) return -EPERM;
    if (!this.#inRange(index)) return -E2BIG;
    if (this.#slots[index] === undefined) this.#count++;
    this.#slots[index] = { program, name: name ?? defaultProgramName(program, index) };
    return 0;
  }

  /** Userspace: empty a slot. 0 or -errno. */
  deleteProgram(index: number): number {
    if (this.userReadonly) return -EPERM;
    if (!this.#inRange(index)) return -E2BIG;
    if (this.#slots[index] === undefined) return -ENOENT;
    this.#slots[index] = undefined;
    this.#count--;
    return 0;
  }

  override nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextArrayKey(key, this.maxEntries); // every index, set or not, as the kernel
  }

  get count(): number {
    return this.#count;
  }

  /** Set slots only. */
  *entries(): IterableIterator<[Uint8Array, P]> {
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      if (slot !== undefined) yield [indexKey(i), slot.program];
    }
  }

  protected readForUser(key: Uint8Array): P | undefined {
    return this.getProgram(readIndex(key));
  }

  protected writeFromUser(key: Uint8Array, program: P, flags: number): number {
    if (flags !== BPF_ANY) return -EINVAL;
    return this.setProgram(readIndex(key), program);
  }

  protected override deleteFromUser(key: Uint8Array): number {
    return this.deleteProgram(readIndex(key));
  }

  protected clearAll(): void {
    this.#slots.length = 0;
    this.#count = 0;
  }

  #inRange(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.maxEntries;
  }
}

function defaultProgramName(program: unknown, index: number): string {
  const name = (program as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : `prog_${index}`;
}
