// IPv4 arithmetic for IPAM and CIDR rules (dotted quads and prefixes as numbers).

import { AgentError, type ScenarioPath } from './errors.js';

export interface Prefix {
  base: number;
  len: number;
}

export function ipToNum(ip: string): number {
  const p = ip.split('.').map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : NaN));
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 address ${ip}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function numToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

export function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** "10.0.0.0/8" (a bare address is a /32); host bits are masked off. */
export function parseCidr(cidr: string): Prefix {
  const [ip, lenStr, extra] = cidr.split('/');
  const len = lenStr === undefined ? 32 : /^\d{1,2}$/.test(lenStr) ? Number(lenStr) : NaN;
  if (extra !== undefined || !Number.isInteger(len) || len < 0 || len > 32) throw new Error(`bad prefix length in ${cidr}`);
  return { base: (ipToNum(ip!) & maskOf(len)) >>> 0, len };
}

export function formatPrefix(p: Prefix): string {
  return `${numToIp(p.base)}/${p.len}`;
}

/** Whether `inner` lies within `outer` (equal counts). */
export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  return inner.len >= outer.len && ((inner.base & maskOf(outer.len)) >>> 0) === outer.base;
}

export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return prefixContains(a, b) || prefixContains(b, a);
}

/** The smallest prefix that covers all of `prefixes`, but never narrower than `maxLen`. */
export function coveringPrefix(prefixes: Prefix[], maxLen: number): Prefix {
  let len = Math.min(maxLen, ...prefixes.map((p) => p.len));
  const first = prefixes[0]!.base;
  while (len > 0 && prefixes.some((p) => ((p.base & maskOf(len)) >>> 0) !== ((first & maskOf(len)) >>> 0))) len--;
  return { base: (first & maskOf(len)) >>> 0, len };
}

export function comparePrefixes(a: Prefix, b: Prefix): number {
  return a.base - b.base || a.len - b.len;
}

/** An address from the scenario, or an AgentError at `path`. */
export function ipAt(ip: string, path: ScenarioPath): number {
  try {
    return ipToNum(ip);
  } catch {
    throw new AgentError(path, `"${ip}" is not an IPv4 address`);
  }
}

/** A prefix from the scenario, refused when host bits are set (it is probably a typo). */
export function cidrAt(cidr: string, path: ScenarioPath, opts: { allowBareIp?: boolean } = {}): Prefix {
  let p: Prefix;
  try {
    if (!opts.allowBareIp && !cidr.includes('/')) throw new Error();
    p = parseCidr(cidr);
  } catch {
    throw new AgentError(path, `"${cidr}" is not an IPv4 CIDR like 10.0.0.0/8`);
  }
  if (ipToNum(cidr.split('/')[0]!) !== p.base) throw new AgentError(path, `${cidr} has host bits set: did you mean ${formatPrefix(p)}?`);
  return p;
}
