// The echo servers every pod and world host runs on its listen ports, as the kernel
// backend's socat servers behave (TCP-LISTEN,fork PIPE and UDP-RECVFROM,fork PIPE).

import type { IpStack } from './ip-stack.js';
import { APP_BLOCK, BlockWriter, type AppObserver } from './app.js';

/**
 * The TCP echo server (socat ... PIPE): when it wakes up it reads what has arrived, up to
 * one block, and writes it back; at EOF, once everything is written, it closes.
 */
export function listenTcpEcho(stack: IpStack, host: string, port: number, observer: () => AppObserver | null): void {
  const wake = (f: () => void) => stack.net.sched.after(0, f);
  stack.tcp.listen(port, (conn) => {
    const out = new BlockWriter(conn);
    let unread = new Uint8Array(0);
    let awake = false;
    let eof = false;
    const closeWhenDone = () => {
      if (eof && unread.length === 0 && out.drained) conn.close();
    };
    out.onDrained = closeWhenDone;
    const run = () => {
      if (awake) return;
      awake = true;
      wake(() => {
        awake = false;
        if (!out.drained) return; // still blocked writing: the socket's writable wakes us
        const block = unread.subarray(0, APP_BLOCK);
        unread = unread.slice(block.length);
        if (block.length > 0) out.write(block);
        if (unread.length > 0) run();
        else closeWhenDone();
      });
    };
    return {
      connected: (c) => observer()?.serverContact(host, c.remote.ip),
      data: (_c, bytes) => {
        observer()?.serverBytes(host, bytes.length);
        const grown = new Uint8Array(unread.length + bytes.length);
        grown.set(unread);
        grown.set(bytes, unread.length);
        unread = grown;
        run();
      },
      writable: () => wake(() => {
        out.flush();
        if (out.drained) run();
      }),
      peerClosed: () => {
        eof = true;
        run();
      },
    };
  });
}

/** The UDP echo server: each datagram goes back to its sender from the listen port (sendto). */
export function listenUdpEcho(stack: IpStack, host: string, port: number, observer: () => AppObserver | null): void {
  stack.udp.bind(port, (d) => {
    const o = observer();
    o?.serverContact(host, d.src);
    o?.serverBytes(host, d.payload.length);
    const payload = d.payload.slice();
    stack.net.sched.after(0, () => stack.udp.send(port, d.src, d.sport, payload));
  });
}
