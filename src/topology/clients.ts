// The clients of the traffic steps, as the kernel backend runs them
// (src/backends/kernel-traffic.ts): iputils ping, socat TCP and UDP clients.

import type { Ip4 } from './addr.js';
import type { IpStack } from './ip-stack.js';
import type { TcpConn } from './tcp-conn.js';
import { PROTO, icmpMessage, udpDatagram } from './wire.js';
import { ICMP, type IcmpErrorEvent } from './icmp.js';
import { BlockWriter, type AppObserver } from './app.js';

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

/**
 * The TCP client (socat with connect-timeout, shut-none, readbytes=N, -t WAIT): connect
 * from the given port; give up silently if not connected in time; write the payload in
 * blocks; close (FIN) once N bytes came back, or when the wait after writing runs out.
 */
export class TcpClient {
  conn: TcpConn | null = null;
  connected = false;
  echoed = 0;
  finished = false;
  private closing = false;

  constructor(private readonly stack: IpStack, private readonly observer: AppObserver) {}

  start(sport: number, dst: Ip4, dport: number, bytes: number, timing: { connectNs: number; waitNs: number }): void {
    const sched = this.stack.net.sched;
    const payload = Uint8Array.from({ length: bytes }, (_, i) => i & 0xff);
    const close = (c: TcpConn) => {
      if (this.closing) return;
      this.closing = true;
      c.close();
    };
    let out: BlockWriter | null = null;
    const c = this.stack.tcp.connect(sport, dst, dport, {
      connected: (c) => {
        this.connected = true;
        sched.after(0, () => {
          out = new BlockWriter(c);
          out.onDrained = () => {
            if (bytes === 0) close(c);
            else sched.after(timing.waitNs, () => close(c)); // -t: no more waiting for the echo
            out!.onDrained = null;
          };
          out.write(payload);
        });
      },
      writable: () => sched.after(0, () => out?.flush()),
      data: (c, got) => {
        this.echoed += got.length;
        if (this.echoed >= bytes) sched.after(0, () => close(c));
      },
      closed: (_c, why) => {
        this.finished = true;
        if (why === 'refused') this.observer.note('client: Connection refused');
        if (why === 'reset') this.observer.note('client: Connection reset by peer');
        if (why === 'timeout') this.observer.note('client: Connection timed out');
      },
    });
    if (c === 'unreachable') {
      this.finished = true;
      this.observer.note('client: Network is unreachable');
      return;
    }
    this.conn = c;
    sched.after(timing.connectNs, () => {
      if (this.connected || this.finished) return;
      c.abort(); // closing a socket in SYN_SENT sends nothing
      this.finished = true;
      this.observer.note('client: Operation timed out (connect)');
    });
  }
}

/**
 * The UDP client (socat UDP:ip:port,sourceport=P): a connected socket, so the datagram
 * takes the socket's IP ID counter, only the peer's answers count, and an ICMP port
 * unreachable becomes "Connection refused".
 */
export class UdpClient {
  replies = 0;
  refused = false;
  private bound = false;

  constructor(private readonly stack: IpStack, private readonly observer: AppObserver) {}

  start(sport: number, dst: Ip4, dport: number, bytes: number): boolean {
    const payload = Uint8Array.from({ length: bytes }, (_, i) => i & 0xff);
    const r = this.stack.route(dst);
    if (!r) {
      this.observer.note('client: Network is unreachable');
      return false;
    }
    this.stack.udp.bind(sport, (d) => {
      if (d.src === dst && d.sport === dport) this.replies++;
    });
    this.bound = true;
    this.stack.icmp.errorListeners.push(this.onError);
    this.errorFilter = { dst, dport, sport };
    const src = this.stack.sourceFor(r);
    const id = this.stack.ids.socketStart();
    const res = this.stack.send({ src, dst, proto: PROTO.UDP, df: true, id }, udpDatagram(src, dst, sport, dport, payload));
    if (res !== 'sent') this.observer.note(res === 'too-big' ? 'client: Message too long' : 'client: Network is unreachable');
    return res === 'sent';
  }

  private errorFilter: { dst: Ip4; dport: number; sport: number } | null = null;
  private readonly onError = (e: IcmpErrorEvent): void => {
    const f = this.errorFilter;
    if (!f || e.orig.proto !== PROTO.UDP || e.orig.dst !== f.dst || e.origL4.length < 4) return;
    if (((e.origL4[0]! << 8) | e.origL4[1]!) !== f.sport || ((e.origL4[2]! << 8) | e.origL4[3]!) !== f.dport) return;
    if (e.type === ICMP.DEST_UNREACH && e.code === 3) {
      this.refused = true;
      this.observer.note('client: Connection refused');
    }
  };

  stop(sport: number): void {
    if (this.bound) this.stack.udp.unbind(sport);
    const i = this.stack.icmp.errorListeners.indexOf(this.onError);
    if (i >= 0) this.stack.icmp.errorListeners.splice(i, 1);
  }
}
