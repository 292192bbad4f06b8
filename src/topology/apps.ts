// The applications a step runs, as the kernel testbed's tools behave: iputils ping, a TCP
// client that sends N bytes and waits for the echo, a UDP client sending one datagram, and
// the echo servers every pod and world host runs on its listen ports. Applications react
// to the kernel one scheduler turn later (a wake-up), never inside a packet's processing.

import type { Ip4 } from './addr.js';
import type { IpStack } from './ip-stack.js';
import type { TcpConn } from './tcp-conn.js';
import { PROTO, icmpMessage } from './wire.js';
import { ICMP } from './icmp.js';

/** What applications tell the running step. */
export interface AppObserver {
  /** A server accepted a connection / got a datagram (peer = the source it saw). */
  serverContact(host: string, peer: Ip4): void;
  /** A server received bytes of the stream / a datagram. */
  serverBytes(host: string, bytes: number): void;
  note(text: string): void;
}

/** socat reads and writes in blocks of 8 KiB. */
export const APP_BLOCK = 8192;

/** The TCP echo server: whatever it reads it writes back; it closes after the client. */
export function listenTcpEcho(stack: IpStack, host: string, port: number, observer: () => AppObserver | null): void {
  const wake = (f: () => void) => stack.net.sched.after(0, f);
  stack.tcp.listen(port, () => ({
    connected: (c) => observer()?.serverContact(host, c.remote.ip),
    data: (c, bytes) => {
      observer()?.serverBytes(host, bytes.length);
      wake(() => {
        for (let i = 0; i < bytes.length; i += APP_BLOCK) c.write(bytes.subarray(i, i + APP_BLOCK));
      });
    },
    peerClosed: (c) => wake(() => c.close()),
  }));
}

export function listenUdpEcho(stack: IpStack, host: string, port: number, observer: () => AppObserver | null): void {
  stack.udp.bind(port, (d) => {
    const o = observer();
    o?.serverContact(host, d.src);
    o?.serverBytes(host, d.payload.length);
    const payload = d.payload.slice();
    stack.net.sched.after(0, () => stack.udp.send(port, d.src, d.sport, payload));
  });
}

/** iputils ping's 56 data bytes: a struct timeval (virtual time), then 0x10, 0x11, ... */
export function pingPayload(nowNs: number): Uint8Array {
  const p = new Uint8Array(56);
  for (let i = 16; i < 56; i++) p[i] = i;
  const v = new DataView(p.buffer);
  v.setBigUint64(0, BigInt(PING_EPOCH + Math.floor(nowNs / 1e9)), true);
  v.setBigUint64(8, BigInt(Math.floor((nowNs % 1e9) / 1000)), true);
  return p;
}
const PING_EPOCH = 1_700_000_000;

export class PingClient {
  private readonly seen = new Set<number>();
  sent = 0;
  failed = false;

  constructor(private readonly stack: IpStack, private readonly dst: Ip4, private readonly id: number, private readonly observer: AppObserver) {}

  get replies(): number {
    return this.seen.size;
  }

  start(count: number, intervalNs: number): void {
    this.stack.icmp.ping.set(this.id, (_src, seq) => {
      if (seq >= 1 && seq <= this.sent) this.seen.add(seq);
    });
    for (let seq = 1; seq <= count; seq++) this.stack.net.sched.after((seq - 1) * intervalNs, () => this.send(seq));
  }

  private send(seq: number): void {
    if (this.failed) return;
    const msg = icmpMessage(ICMP.ECHO, 0, (this.id << 16) | seq, pingPayload(this.stack.net.sched.now));
    // A ping socket is not connected: DF with IP ID 0.
    const r = this.stack.send({ dst: this.dst, proto: PROTO.ICMP, df: true, id: 0 }, msg);
    if (r === 'unreachable') {
      this.failed = true;
      this.observer.note('ping: connect: Network is unreachable');
      return;
    }
    this.sent = seq;
  }

  stop(): void {
    this.stack.icmp.ping.delete(this.id);
  }
}

export class TcpClient {
  conn: TcpConn | null = null;
  connected = false;
  echoed = 0;
  finished = false;

  constructor(private readonly stack: IpStack, private readonly observer: AppObserver) {}

  start(sport: number, dst: Ip4, dport: number, bytes: number): void {
    const wake = (f: () => void) => this.stack.net.sched.after(0, f);
    const payload = Uint8Array.from({ length: bytes }, (_, i) => i & 0xff);
    const c = this.stack.tcp.connect(sport, dst, dport, {
      connected: (c) => {
        this.connected = true;
        wake(() => {
          for (let i = 0; i < payload.length; i += APP_BLOCK) c.write(payload.subarray(i, i + APP_BLOCK));
          if (bytes === 0) c.close();
        });
      },
      data: (c, got) => {
        this.echoed += got.length;
        if (this.echoed >= bytes) wake(() => c.close());
      },
      closed: (_c, why) => {
        this.finished = true;
        if (why === 'refused') this.observer.note('connect: Connection refused');
        if (why === 'reset') this.observer.note('connection reset by peer');
        if (why === 'timeout') this.observer.note('connection timed out');
      },
    });
    if (c === 'unreachable') {
      this.finished = true;
      this.observer.note('connect: Network is unreachable');
      return;
    }
    this.conn = c;
  }
}

export class UdpClient {
  replies = 0;

  constructor(private readonly stack: IpStack, private readonly observer: AppObserver) {}

  start(sport: number, dst: Ip4, dport: number, bytes: number): boolean {
    const payload = Uint8Array.from({ length: bytes }, (_, i) => i & 0xff);
    this.stack.udp.bind(sport, () => { this.replies++; });
    const r = this.stack.udp.send(sport, dst, dport, payload);
    if (r !== 'sent') this.observer.note(r === 'unreachable' ? 'sendto: Network is unreachable' : 'sendto: Message too long');
    return r === 'sent';
  }

  stop(sport: number): void {
    this.stack.udp.unbind(sport);
  }
}
