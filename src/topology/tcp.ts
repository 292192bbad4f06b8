// TCP of one namespace, small but shaped like Linux with tcp_timestamps, tcp_sack and
// tcp_window_scaling off (what the scenarios configure): SYN and SYN/ACK carry only the MSS
// option (route MTU − 40); ISNs from the seeded PRNG; closed ports answer RST
// (tcp_v4_send_reset); sockets are demultiplexed by 4-tuple, listeners by port.

import type { SkBuff } from '../vm/skb.js';
import type { Ip4 } from './addr.js';
import type { Device } from './device.js';
import type { IpStack, SendResult } from './ip-stack.js';
import { TcpConn, type TcpCallbacks } from './tcp-conn.js';
import { PROTO, TCP_FLAG as F, l4ChecksumOf, readTcp, tcpSegment, type Ipv4View, type TcpView } from './wire.js';

export type { TcpCallbacks } from './tcp-conn.js';

const key = (lip: Ip4, lport: number, rip: Ip4, rport: number): string => `${lip}:${lport}>${rip}:${rport}`;

export class Tcp {
  private readonly listeners = new Map<number, (c: TcpConn) => TcpCallbacks>();
  private readonly conns = new Map<string, TcpConn>();

  constructor(readonly stack: IpStack) {}

  listen(port: number, accept: (c: TcpConn) => TcpCallbacks): void {
    this.listeners.set(port, accept);
  }

  /** connect(): the SYN goes out now; 'unreachable' when there is no route (ENETUNREACH). */
  connect(sport: number, dst: Ip4, dport: number, cb: TcpCallbacks): TcpConn | 'unreachable' {
    const r = this.stack.route(dst);
    if (!r) return 'unreachable';
    const c = new TcpConn(this, { ip: this.stack.sourceFor(r), port: sport }, { ip: dst, port: dport }, r.dev.mtu - 40, cb);
    this.conns.set(c.key, c);
    c.open();
    return c;
  }

  receive(dev: Device, _skb: SkBuff, ip: Ipv4View, seg: Uint8Array): void {
    if (l4ChecksumOf(ip.src, ip.dst, PROTO.TCP, seg) !== 0) return this.stack.net.log.note(dev.point, 'dropped: TCP checksum');
    const v = readTcp(seg);
    if (!v) return this.stack.net.log.note(dev.point, 'dropped: malformed TCP header');
    const c = this.conns.get(key(ip.dst, v.dport, ip.src, v.sport));
    if (c) return c.input(v);
    if (v.flags & F.RST) return;
    const accept = this.listeners.get(v.dport);
    if (accept && (v.flags & (F.SYN | F.ACK | F.FIN)) === F.SYN) {
      const r = this.stack.route(ip.src);
      const mtu = r ? r.dev.mtu : dev.mtu;
      const s = new TcpConn(this, { ip: ip.dst, port: v.dport }, { ip: ip.src, port: v.sport }, mtu - 40, {});
      this.conns.set(s.key, s);
      s.acceptSyn(v, accept);
      return;
    }
    this.sendReset(ip, v);
  }

  /** tcp_v4_send_reset: from the control socket (DF, IP ID 0, the offender's TOS). */
  private sendReset(ip: Ipv4View, v: TcpView): void {
    const hasAck = (v.flags & F.ACK) !== 0;
    const segLen = v.payload.length + (v.flags & F.SYN ? 1 : 0) + (v.flags & F.FIN ? 1 : 0);
    const rst = tcpSegment(ip.dst, ip.src, {
      sport: v.dport, dport: v.sport, seq: hasAck ? v.ack : 0, ack: hasAck ? 0 : (v.seq + segLen) >>> 0,
      flags: hasAck ? F.RST : F.RST | F.ACK, window: 0,
    });
    this.stack.send({ src: ip.dst, dst: ip.src, proto: PROTO.TCP, df: true, id: 0, tos: ip.tos }, rst);
  }

  /** Sends a segment of a connection. */
  emit(c: TcpConn, seg: Uint8Array, id: number): SendResult {
    return this.stack.send({ src: c.local.ip, dst: c.remote.ip, proto: PROTO.TCP, df: true, id }, seg);
  }

  forget(c: TcpConn): void {
    if (this.conns.get(c.key) === c) this.conns.delete(c.key);
  }

  /** Drops every connection without a word (the step's processes are gone). */
  abortAll(): void {
    for (const c of this.conns.values()) c.abort();
    this.conns.clear();
  }
}
