// BPF_MAP_TYPE_RINGBUF with the kernel's space accounting: each record takes an 8-byte
// header plus its size rounded up to 8; the producer may run at most max_entries - 1
// bytes ahead of the consumer; space comes back only when the consumer (drain) passes a
// record, and the consumer stops at the oldest record still reserved.

import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import {
  BPF_RB_AVAIL_DATA, BPF_RB_CONS_POS, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP, BPF_RB_PROD_POS, BPF_RB_RING_SIZE,
  EAGAIN, EINVAL,
} from './constants.js';
import { MapError } from './map-error.js';
import { roundUp8 } from './percpu-values.js';

export const RINGBUF_HEADER_SIZE = 8;
const MAX_RECORD_SIZE = 0xffffffff / 4; // two header bits are busy/discard flags

type RecordState = 'reserved' | 'submitted' | 'discarded';

interface RingRecord {
  readonly data: Uint8Array;
  readonly length: number; // bytes of ring it takes, header included
  state: RecordState;
}

export class RingbufMap extends BpfMap<never, never> {
  readonly kind = 'ringbuf';
  #producerPos = 0;
  #consumerPos = 0;
  /** Records between consumer and producer, oldest first. */
  readonly #inRing: RingRecord[] = [];
  readonly #reserved = new Map<Uint8Array, RingRecord>();

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts);
  }

  /** bpf_ringbuf_reserve: a zeroed record buffer, or undefined (no space, bad flags). */
  reserve(size: number, flags = 0): Uint8Array | undefined {
    if (flags !== 0 || size > MAX_RECORD_SIZE) return undefined;
    const length = roundUp8(size + RINGBUF_HEADER_SIZE);
    if (length > this.maxEntries) return undefined;
    if (this.#producerPos + length - this.#consumerPos > this.maxEntries - 1) return undefined;
    const record: RingRecord = { data: new Uint8Array(size), length, state: 'reserved' };
    this.#producerPos += length;
    this.#inRing.push(record);
    this.#reserved.set(record.data, record);
    return record.data;
  }

  /** bpf_ringbuf_submit: the record becomes visible to the consumer. */
  submit(record: Uint8Array, _flags = 0): void {
    this.#settle(record, 'submitted');
  }

  /** bpf_ringbuf_discard: the consumer skips the record (it holds its space until consumed). */
  discard(record: Uint8Array, _flags = 0): void {
    this.#settle(record, 'discarded');
  }

  /** bpf_ringbuf_output: reserve + copy + submit. 0, -EINVAL (flags) or -EAGAIN (no space). */
  output(data: Uint8Array, flags = 0): number {
    if (flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) return -EINVAL;
    const record = this.reserve(data.length);
    if (record === undefined) return -EAGAIN;
    record.set(data);
    this.submit(record);
    return 0;
  }

  /** Submitted records the consumer has not read, oldest first (including any behind a reserved one). */
  get records(): Uint8Array[] {
    return this.#inRing.filter((r) => r.state === 'submitted').map((r) => r.data);
  }

  /** The consumer: reads submitted records in order up to the oldest still reserved, freeing their space. */
  drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (this.#inRing.length > 0 && this.#inRing[0].state !== 'reserved') {
      const record = this.#inRing.shift()!;
      this.#consumerPos += record.length;
      if (record.state === 'submitted') out.push(record.data);
    }
    return out;
  }

  /** bpf_ringbuf_query. */
  query(flag: number): number {
    switch (flag) {
      case BPF_RB_AVAIL_DATA: return this.#producerPos - this.#consumerPos;
      case BPF_RB_RING_SIZE: return this.maxEntries;
      case BPF_RB_CONS_POS: return this.#consumerPos;
      case BPF_RB_PROD_POS: return this.#producerPos;
      default: return 0;
    }
  }

  override nextKey(): undefined {
    return undefined;
  }

  get count(): number {
    return 0;
  }

  *entries(): IterableIterator<[Uint8Array, never]> {}

  protected readForUser(): undefined {
    return undefined;
  }

  protected writeFromUser(): number {
    return -EINVAL;
  }

  protected clearAll(): void {}

  #settle(data: Uint8Array, state: RecordState): void {
    const record = this.#reserved.get(data);
    // The verifier guarantees one submit/discard per reservation: reaching here is a VM bug.
    if (record === undefined) throw new MapError(this.name, 'submit/discard of a record that is not reserved');
    this.#reserved.delete(data);
    record.state = state;
  }
}
