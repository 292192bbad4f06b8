// One TCP connection, following Linux where it shows on the wire:
// - handshake: SYN (RTO 1 s, doubling), SYN/ACK from the listener with IP ID 0, the final
//   ACK at once; afterwards the socket's IP IDs count from a random start;
// - sending: segments of min(peer MSS, own MTU − 40), initial cwnd 10 (slow start), the
//   peer's window, Nagle with Minshall's rule, PSH on a segment that ends a write, FIN on
//   the last unsent segment when the application closed;
// - the send buffer: 16 KiB at first, each queued segment charged like the kernel's linear
//   skb (5 fill it), so a large first write stops after 5 segments (PSH on the 5th) and
//   resumes when an ACK frees room, the buffer then grown (tcp_sndbuf_expand) — what the
//   kernel testbed's 8 KiB writes show;
// - ACKs: quick ACKs (up to 16) after the first data, then every second full segment or a
//   40 ms delayed ACK, piggybacked on data; a socket that answers within the ACK timeout
//   enters ping-pong mode (no quick ACKs), as does one that received a FIN;
// - retransmission: the oldest unacknowledged segment after RTO = last RTT + 200 ms.
// Windows: the SYN's rounded down to the MSS, 65535 once data arrived (no scaling); the
// comparison normalises them anyway.

import { tcpSegment, TCP_FLAG as F, type TcpView } from './wire.js';
import type { Ip4 } from './addr.js';
import type { Timer } from './scheduler.js';
import { MS, SEC } from './scheduler.js';
import type { Tcp } from './tcp.js';

export type TcpState = 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT_1' | 'FIN_WAIT_2' | 'CLOSE_WAIT' | 'CLOSING' | 'LAST_ACK' | 'TIME_WAIT' | 'CLOSED';
export type CloseReason = 'done' | 'refused' | 'reset' | 'timeout';

export interface TcpCallbacks {
  connected?(c: TcpConn): void;
  data?(c: TcpConn, bytes: Uint8Array): void;
  /** Room in the send buffer again after a partial write. */
  writable?(c: TcpConn): void;
  /** The peer sent FIN (read returns EOF). */
  peerClosed?(c: TcpConn): void;
  closed?(c: TcpConn, why: CloseReason): void;
}

export interface Endpoint { ip: Ip4; port: number }

const lt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const le = (a: number, b: number): boolean => ((a - b) | 0) <= 0;
const add = (a: number, n: number): number => (a + n) >>> 0;

const INIT_RTO = 1 * SEC;
const RTO_MIN = 200 * MS;
const DELACK = 40 * MS; // TCP_DELACK_MIN = TCP_ATO_MIN = HZ/25
const MAX_QUICKACKS = 16;
const INIT_CWND = 10;
const SYN_RETRIES = 6;
const SYNACK_RETRIES = 5;
const DATA_RETRIES = 15;
const DEFAULT_MSS = 536;
const SNDBUF_INIT = 16384; // tcp_wmem[1]
/** What one queued segment costs the send buffer (the kernel's skb truesize: 5 fit in 16 KiB). */
const SKB_CHARGE = 3300;
/** tcp_sndbuf_expand: 2 × max(10, cwnd) × per-segment memory. */
const SNDBUF_PER_SEG = 4096 + 256;

interface Sent { seq: number; end: number; flags: number; at: number; retransmitted: boolean }

export class TcpConn {
  state: TcpState = 'CLOSED';
  readonly key: string;
  // send side
  private iss = 0;
  private sndUna = 0;
  private sndNxt = 0;
  private sndWnd = 0;
  private mss: number;
  private cwnd = INIT_CWND;
  private readonly sent: Sent[] = [];
  /** Written bytes from iss + 1 on; `writeEnds` holds the sequence number after each write. */
  private wbuf = new Uint8Array(0);
  private readonly writeEnds = new Set<number>();
  private finQueued = false;
  private finSeq: number | null = null;
  private sndSml = 0; // end of the last sub-MSS segment (Minshall)
  private ipId: number | null = null;
  // receive side
  private rcvNxt = 0;
  private rcvWup = 0; // rcv_nxt when we last sent an ACK
  private rcvWnd: number;
  private sndbuf = SNDBUF_INIT;
  private blocked = false;
  private quickacks = 0;
  private atoStarted = false;
  private pingpong = false;
  private lastDataRcv = -Infinity;
  // timers
  private rto = INIT_RTO;
  private retries = 0;
  private rtoTimer: Timer | null = null;
  private delack: Timer | null = null;
  private synAt = 0;
  private synRetransmitted = false;
  private pendingAccept: ((c: TcpConn) => TcpCallbacks) | null = null;

  constructor(
    private readonly tcp: Tcp,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    /** Our MSS: the route's MTU − 40 (what we advertise). */
    private readonly advMss: number,
    public cb: TcpCallbacks,
  ) {
    this.key = `${local.ip}:${local.port}>${remote.ip}:${remote.port}`;
    this.mss = advMss;
    // tcp_select_initial_window without scaling: the space rounded down to the MSS, ≤ 65535.
    this.rcvWnd = 65535 - (65535 % advMss);
  }

  private get sched() {
    return this.tcp.stack.net.sched;
  }

  // ---- opening ----

  /** Active open: SYN with the MSS option. */
  open(): void {
    this.iss = this.tcp.stack.rng.nextU32();
    this.ipId = this.tcp.stack.ids.socketStart();
    this.sndUna = this.iss;
    this.sndNxt = add(this.iss, 1);
    this.state = 'SYN_SENT';
    this.sendSyn();
    this.armRto();
  }

  /** Passive open from a listener: remember the SYN, answer SYN/ACK. */
  acceptSyn(v: TcpView, accept: (c: TcpConn) => TcpCallbacks): void {
    this.iss = this.tcp.stack.rng.nextU32();
    this.sndUna = this.iss;
    this.sndNxt = add(this.iss, 1);
    this.rcvNxt = add(v.seq, 1);
    this.rcvWup = this.rcvNxt;
    this.mss = Math.min(v.mss ?? DEFAULT_MSS, this.advMss);
    this.sndWnd = v.window;
    this.state = 'SYN_RECV';
    this.pendingAccept = accept;
    this.sendSyn();
    this.armRto();
  }

  private sendSyn(): void {
    this.synAt = this.sched.now;
    const synack = this.state === 'SYN_RECV';
    const seg = tcpSegment(this.local.ip, this.remote.ip, {
      sport: this.local.port, dport: this.remote.port, seq: this.iss, ack: synack ? this.rcvNxt : 0,
      flags: synack ? F.SYN | F.ACK : F.SYN, window: Math.min(this.rcvWnd, 65535), mss: this.advMss,
    });
    // The SYN/ACK leaves through ip_build_and_send_pkt: DF and IP ID 0.
    this.tcp.emit(this, seg, synack ? 0 : this.nextId());
  }

  // ---- input ----

  input(v: TcpView): void {
    if (v.flags & F.RST) return this.onReset(v);
    switch (this.state) {
      case 'SYN_SENT': return this.inSynSent(v);
      case 'SYN_RECV':
        if (v.flags & F.SYN) return this.sendSyn(); // the client did not hear us: again
        if (!(v.flags & F.ACK) || v.ack !== this.sndNxt) return;
        this.established();
        break;
      case 'CLOSED': return;
      default:
        if (v.flags & F.SYN) return this.sendAck(); // a SYN on a synchronized connection: challenge ACK
    }
    if (v.flags & F.ACK) this.onAck(v);
    if (v.payload.length > 0 || v.flags & F.FIN) this.onData(v);
    this.push();
  }

  private inSynSent(v: TcpView): void {
    if (!(v.flags & F.ACK) || v.ack !== this.sndNxt || !(v.flags & F.SYN)) return;
    this.rcvNxt = add(v.seq, 1);
    this.sndUna = v.ack;
    this.sndWnd = v.window;
    this.mss = Math.min(v.mss ?? DEFAULT_MSS, this.advMss);
    this.handshakeRtt();
    this.disarmRto();
    this.state = 'ESTABLISHED';
    this.sendAck();
    this.cb.connected?.(this);
    this.push();
  }

  private established(): void {
    this.sndUna = this.sndNxt;
    this.handshakeRtt();
    this.disarmRto();
    this.state = 'ESTABLISHED';
    this.ipId = this.tcp.stack.ids.socketStart(); // the child socket's inet_id
    if (this.pendingAccept) this.cb = this.pendingAccept(this);
    this.pendingAccept = null;
    this.cb.connected?.(this);
  }

  private onReset(v: TcpView): void {
    if (this.state === 'SYN_SENT') {
      if (v.flags & F.ACK && v.ack === this.sndNxt) this.finish('refused');
      return;
    }
    if (v.seq === this.rcvNxt || this.state === 'SYN_RECV') this.finish('reset');
  }

  private onAck(v: TcpView): void {
    this.sndWnd = v.window;
    if (!lt(this.sndUna, v.ack) || lt(this.sndNxt, v.ack)) return;
    const acked = (v.ack - this.sndUna) >>> 0;
    this.sndUna = v.ack;
    while (this.sent.length > 0 && le(this.sent[0]!.end, this.sndUna)) this.sampleRtt(this.sent.shift());
    this.cwnd += Math.max(1, Math.floor(acked / this.mss)); // slow start
    this.retries = 0;
    if (this.sent.length > 0) this.armRto(true);
    else this.disarmRto();
    this.checkSpace();
    if (this.finSeq !== null && le(add(this.finSeq, 1), this.sndUna)) {
      if (this.state === 'FIN_WAIT_1') this.state = 'FIN_WAIT_2';
      else if (this.state === 'CLOSING') this.toTimeWait();
      else if (this.state === 'LAST_ACK') this.finish('done');
    }
  }

  private onData(v: TcpView): void {
    if (v.seq !== this.rcvNxt) return this.sendAck(); // out of order or a duplicate: ACK what we have
    const fin = (v.flags & F.FIN) !== 0;
    if (v.payload.length > 0) {
      this.rcvNxt = add(this.rcvNxt, v.payload.length);
      if (!this.atoStarted) {
        this.atoStarted = true;
        this.quickacks = Math.min(MAX_QUICKACKS, Math.floor(this.rcvWnd / (2 * DEFAULT_MSS)) || 2);
      }
      this.lastDataRcv = this.sched.now;
      this.rcvWnd = 65535; // tcp_grow_window: without scaling, the window opens to its maximum
      this.cb.data?.(this, v.payload.slice());
    }
    if (!fin) return this.ackPolicy();
    this.rcvNxt = add(this.rcvNxt, 1);
    switch (this.state) {
      case 'ESTABLISHED':
        this.state = 'CLOSE_WAIT';
        this.pingpong = true; // tcp_fin: the ACK waits, hoping to ride on our FIN
        this.scheduleDelack();
        this.cb.peerClosed?.(this);
        return;
      case 'FIN_WAIT_1':
        this.state = 'CLOSING';
        return this.sendAck();
      case 'FIN_WAIT_2':
        this.sendAck();
        return this.toTimeWait();
      default:
        return this.sendAck();
    }
  }

  /** __tcp_ack_snd_check. */
  private ackPolicy(): void {
    if (this.quickacks > 0 && !this.pingpong) return this.sendAck();
    if (((this.rcvNxt - this.rcvWup) >>> 0) > this.mss) return this.sendAck();
    this.scheduleDelack();
  }

  private scheduleDelack(): void {
    if (this.delack) return;
    this.delack = this.sched.after(DELACK, () => {
      this.delack = null;
      if (this.state === 'CLOSED') return;
      this.pingpong = false; // a missed delayed ACK leaves ping-pong mode
      if (this.rcvNxt !== this.rcvWup) this.sendAck();
    });
  }

  // ---- output ----

  /** send(): takes what the send buffer has room for (every byte, or a prefix), returns how much. */
  write(bytes: Uint8Array): number {
    if (!['ESTABLISHED', 'CLOSE_WAIT'].includes(this.state) || this.finQueued) return 0;
    const n = this.room(bytes.length);
    if (n < bytes.length) this.blocked = true;
    if (n === 0) return 0;
    const grown = new Uint8Array(this.wbuf.length + n);
    grown.set(this.wbuf);
    grown.set(bytes.subarray(0, n), this.wbuf.length);
    this.wbuf = grown;
    this.writeEnds.add(add(this.iss, 1 + grown.length)); // tcp_push marks the write's last segment
    this.push();
    return n;
  }

  /** Bytes a write of `len` can queue: the unsent tail segment's room, then whole segments while memory is free. */
  private room(len: number): number {
    const unsent = (add(this.iss, 1 + this.wbuf.length) - this.sndNxt) >>> 0;
    let skbs = this.sent.length + Math.ceil(unsent / this.mss);
    let n = Math.min(len, unsent % this.mss === 0 ? 0 : this.mss - (unsent % this.mss));
    while (n < len && skbs * SKB_CHARGE < this.sndbuf) {
      n += Math.min(this.mss, len - n);
      skbs++;
    }
    return n;
  }

  /** tcp_check_space → tcp_new_space: grow the buffer, wake a blocked writer once a third is free. */
  private checkSpace(): void {
    if (!this.blocked) return;
    const inflight = this.sent.length;
    if (inflight < this.cwnd) this.sndbuf = Math.max(this.sndbuf, 2 * Math.max(INIT_CWND, this.cwnd) * SNDBUF_PER_SEG);
    const unsent = (add(this.iss, 1 + this.wbuf.length) - this.sndNxt) >>> 0;
    const queued = (this.sent.length + Math.ceil(unsent / this.mss)) * SKB_CHARGE;
    if (this.sndbuf - queued < queued / 2) return;
    this.blocked = false;
    this.cb.writable?.(this);
  }

  close(): void {
    if (this.finQueued) return;
    this.finQueued = true;
    if (this.state === 'ESTABLISHED') this.state = 'FIN_WAIT_1';
    else if (this.state === 'CLOSE_WAIT') this.state = 'LAST_ACK';
    this.push();
  }

  /** tcp_write_xmit: as much as the windows allow. */
  private push(): void {
    if (!['ESTABLISHED', 'CLOSE_WAIT', 'FIN_WAIT_1', 'LAST_ACK'].includes(this.state)) return;
    const writeEnd = add(this.iss, 1 + this.wbuf.length);
    while (this.finSeq === null) {
      const unsent = (writeEnd - this.sndNxt) >>> 0;
      if (unsent === 0) {
        if (!this.finQueued) return;
        this.sendData(0, F.FIN);
        continue;
      }
      const len = Math.min(this.mss, unsent);
      const inflight = (this.sndNxt - this.sndUna) >>> 0;
      if (inflight + len > Math.min(this.cwnd * this.mss, this.sndWnd)) return;
      // Nagle with Minshall: hold a small segment while an earlier small one is unacknowledged.
      if (len < this.mss && inflight > 0 && lt(this.sndUna, this.sndSml) && le(this.sndSml, this.sndNxt)) return;
      const last = len === unsent;
      this.sendData(len, last && this.finQueued ? F.FIN : 0);
    }
  }

  private sendData(len: number, extra: number): void {
    const seq = this.sndNxt;
    const from = (seq - this.iss - 1) >>> 0;
    const payload = this.wbuf.subarray(from, from + len);
    let flags = F.ACK | extra;
    for (let s = 1; s <= len; s++) if (this.writeEnds.has(add(seq, s))) { flags |= F.PSH; break; }
    const end = add(seq, len + (extra & F.FIN ? 1 : 0));
    if (extra & F.FIN) this.finSeq = add(seq, len);
    if (len > 0 && len < this.mss) this.sndSml = end;
    this.sndNxt = end;
    this.sent.push({ seq, end, flags, at: this.sched.now, retransmitted: false });
    this.transmit(seq, flags, payload);
    if (len > 0 && this.sched.now - this.lastDataRcv < DELACK) this.pingpong = true;
    if (!this.rtoTimer) this.armRto();
  }

  private sendAck(): void {
    this.transmit(this.sndNxt, F.ACK, new Uint8Array(0));
  }

  private transmit(seq: number, flags: number, payload: Uint8Array): void {
    const seg = tcpSegment(this.local.ip, this.remote.ip, {
      sport: this.local.port, dport: this.remote.port, seq, ack: flags & F.ACK ? this.rcvNxt : 0, flags, window: this.rcvWnd, payload,
    });
    if (flags & F.ACK) {
      this.rcvWup = this.rcvNxt;
      this.delack?.cancel();
      this.delack = null;
      if (this.quickacks > 0) this.quickacks--;
    }
    this.tcp.emit(this, seg, this.nextId());
  }

  private nextId(): number {
    const id = this.ipId ?? 0;
    if (this.ipId !== null) this.ipId = (this.ipId + 1) & 0xffff;
    return id;
  }

  // ---- timers ----

  private sampleRtt(s: Sent | undefined): void {
    if (s && !s.retransmitted) this.rto = this.sched.now - s.at + RTO_MIN;
  }

  /** The SYN's round trip sets the first RTO (Karn: none after a retransmitted SYN). */
  private handshakeRtt(): void {
    this.rto = this.synRetransmitted ? INIT_RTO : this.sched.now - this.synAt + RTO_MIN;
    this.retries = 0;
  }

  private armRto(restart = false): void {
    if (restart) this.disarmRto();
    if (this.rtoTimer) return;
    this.rtoTimer = this.sched.after(this.rto, () => this.onRto());
  }

  private disarmRto(): void {
    this.rtoTimer?.cancel();
    this.rtoTimer = null;
  }

  private onRto(): void {
    this.rtoTimer = null;
    const limit = this.state === 'SYN_SENT' ? SYN_RETRIES : this.state === 'SYN_RECV' ? SYNACK_RETRIES : DATA_RETRIES;
    if (this.retries >= limit) return this.finish('timeout');
    this.retries++;
    this.rto *= 2;
    if (this.state === 'SYN_SENT' || this.state === 'SYN_RECV') {
      this.synRetransmitted = true;
      this.sendSyn();
    } else {
      const head = this.sent[0];
      if (!head) return;
      head.retransmitted = true;
      this.cwnd = 1;
      const fin = head.flags & F.FIN ? 1 : 0;
      const len = ((head.end - head.seq) >>> 0) - fin;
      const from = (head.seq - this.iss - 1) >>> 0;
      this.transmit(head.seq, head.flags, this.wbuf.subarray(from, from + len));
    }
    this.armRto();
  }

  private toTimeWait(): void {
    this.state = 'TIME_WAIT';
    this.disarmRto();
    this.cb.closed?.(this, 'done');
  }

  private finish(why: CloseReason): void {
    const wasOpen = this.state !== 'CLOSED';
    this.abort();
    this.tcp.forget(this);
    if (wasOpen) this.cb.closed?.(this, why);
  }

  /** Stops every timer and forgets the connection; no segment is sent (an application that is gone). */
  abort(): void {
    this.state = 'CLOSED';
    this.disarmRto();
    this.delack?.cancel();
    this.delack = null;
  }
}
