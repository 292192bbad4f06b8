// Addresses as the stack handles them: IPv4 as a host-order u32, MACs as 6 bytes.

export type Ip4 = number;

export function ip4(text: string): Ip4 {
  const p = text.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 address "${text}"`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function ip4Text(a: Ip4): string {
  return [a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff].join('.');
}

export function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function inPrefix(a: Ip4, net: Ip4, len: number): boolean {
  const m = prefixMask(len);
  return ((a & m) >>> 0) === ((net & m) >>> 0);
}

export function cidr(text: string): { net: Ip4; len: number } {
  const [a, l] = text.split('/');
  const len = l === undefined ? 32 : Number(l);
  if (a === undefined || !Number.isInteger(len) || len < 0 || len > 32) throw new Error(`bad CIDR "${text}"`);
  return { net: (ip4(a) & prefixMask(len)) >>> 0, len };
}

export function mac(text: string): Uint8Array {
  const p = text.split(':');
  if (p.length !== 6 || p.some((x) => !/^[0-9a-fA-F]{1,2}$/.test(x))) throw new Error(`bad MAC address "${text}"`);
  return Uint8Array.from(p.map((x) => parseInt(x, 16)));
}

export function macText(b: Uint8Array): string {
  return [...b.subarray(0, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export const BROADCAST_MAC = new Uint8Array(6).fill(0xff);
export const ZERO_MAC = new Uint8Array(6);

export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Big-endian reads and writes on frames. */
export const rd16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
export const rd32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
export function wr16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}
export function wr32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
