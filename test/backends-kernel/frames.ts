// Reading captured frames in tests: decoded fields by name, and packets by point and step.

import type { CapturedPacket } from '../../src/backends/types.js';
import { decodeFrame } from '../../src/packet/decode.js';

export type Fields = Record<string, string | number>;

/** Decimal values as numbers; hex ("0x02"), addresses and MACs as text. */
export function fields(frame: Uint8Array): Fields {
  return Object.fromEntries(decodeFrame(frame).fields.map((f) => [f.name, /^\d+$/.test(String(f.value)) ? Number(f.value) : String(f.value)]));
}

/** The decoded packets seen at POINT ("node1/lxcclient:ingress") during STEP. */
export function seen(packets: CapturedPacket[], point: string, step: number): Fields[] {
  return packets.filter((p) => p.point === point && p.step === step).map((p) => ({ ...fields(p.frame), length: p.frame.length }));
}

export const isIcmp = (type: number) => (f: Fields) => f['ip.proto'] === 1 && Number(f['icmp.type']) === type;
export const isArp = (op: number) => (f: Fields) => f['eth.type'] === '0x0806' && Number(f['arp.op']) === op;
