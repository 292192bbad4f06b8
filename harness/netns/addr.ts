// IPv4 and MAC address parsing for the testbed spec.

export interface Cidr {
  ip: string;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function ipToInt(ip: string): number {
  const m = IPV4.exec(ip);
  if (!m || m.slice(1).some((part) => Number(part) > 255)) throw new TypeError(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return m.slice(1).reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** "10.0.0.1/24" → {ip, prefix: 24}; a bare address gets DEFAULTPREFIX. */
export function parseCidr(text: string, defaultPrefix = 32): Cidr {
  const [ip, prefixText, extra] = text.split('/');
  const prefix = prefixText === undefined ? defaultPrefix : Number(prefixText);
  if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32 || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw new TypeError(`not an IPv4 address or CIDR: ${JSON.stringify(text)}`);
  }
  ipToInt(ip!);
  return { ip: ip!, prefix };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "192.168.50.7/24" → "192.168.50.0/24". */
export function networkOf(cidr: Cidr): string {
  return `${intToIp((ipToInt(cidr.ip) & mask(cidr.prefix)) >>> 0)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const m = mask(cidr.prefix);
  return ((ipToInt(cidr.ip) & m) >>> 0) === ((ipToInt(ip) & m) >>> 0);
}

export function isMac(text: string): boolean {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text);
}
