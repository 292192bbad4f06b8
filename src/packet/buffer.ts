// A packet buffer with headroom and tailroom, like an skb's linear data area: the packet is
// bytes [head, tail) of `buf`; helpers that push headers (VXLAN encap, bpf_skb_change_head,
// bpf_xdp_adjust_head) move `head` down, growing the buffer when the room runs out.

export class PacketBuffer {
  buf: Uint8Array;
  head: number;
  tail: number;
  /** Start of XDP/tc metadata (data_meta); equals head when there is none. */
  meta: number;
  /** Whether the buffer may grow past its headroom (skbs reallocate; XDP frames do not). */
  readonly growable: boolean;

  constructor(data: Uint8Array, headroom = 64, tailroom = 64, growable = true) {
    this.buf = new Uint8Array(headroom + data.length + tailroom);
    this.buf.set(data, headroom);
    this.head = headroom;
    this.tail = headroom + data.length;
    this.meta = headroom;
    this.growable = growable;
  }

  get length(): number {
    return this.tail - this.head;
  }

  get headroom(): number {
    return this.head;
  }

  /** The packet's bytes (a live view). */
  data(): Uint8Array {
    return this.buf.subarray(this.head, this.tail);
  }

  /** A copy of the packet's bytes. */
  copy(): Uint8Array {
    return this.buf.slice(this.head, this.tail);
  }

  /** Make sure there are at least `room` bytes before head (and `tailroom` after tail). */
  reserve(room: number, tailroom = 0): void {
    const needHead = Math.max(0, room - this.head);
    const needTail = Math.max(0, tailroom - (this.buf.length - this.tail));
    if (needHead === 0 && needTail === 0) return;
    const grown = new Uint8Array(this.buf.length + needHead + needTail + 64);
    const shift = needHead > 0 ? needHead + 32 : 0;
    grown.set(this.buf, shift);
    this.buf = grown;
    this.head += shift;
    this.tail += shift;
    this.meta += shift;
  }

  /** Move the start by `delta` bytes (negative: prepend room); false when it cannot. */
  adjustHead(delta: number): boolean {
    const newHead = this.head + delta;
    if (newHead > this.tail) return false;
    if (newHead < 0) {
      if (!this.growable) return false;
      this.reserve(-delta);
      return this.adjustHead(delta);
    }
    if (delta < 0) this.buf.fill(0, newHead, this.head);
    this.head = newHead;
    if (this.meta > this.head || delta !== 0) this.meta = this.head;
    return true;
  }

  /** Set the length to `len` (truncate, or extend with zeros). */
  resize(len: number): void {
    if (len < 0) throw new RangeError(`negative packet length ${len}`);
    const end = this.head + len;
    if (end > this.buf.length) this.reserve(0, end - this.tail);
    const newEnd = this.head + len;
    if (newEnd > this.tail) this.buf.fill(0, this.tail, newEnd);
    this.tail = newEnd;
  }

  /** Insert `len` zero bytes at offset `at` (relative to head), or remove them when len < 0. */
  insertAt(at: number, len: number): void {
    if (len >= 0) {
      this.reserve(0, len);
      this.buf.copyWithin(this.head + at + len, this.head + at, this.tail);
      this.buf.fill(0, this.head + at, this.head + at + len);
      this.tail += len;
    } else {
      this.buf.copyWithin(this.head + at, this.head + at - len, this.tail);
      this.tail += len;
    }
  }
}
