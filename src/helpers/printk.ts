// bpf_trace_printk's format: the kernel's subset of printf (flags 0 + - and space, a width,
// the l/ll modifiers; %d %i %u %x %X %c %s %p %pI4 %pi4 %%), at most three arguments; anything
// else (%#x, %hd, precision) is -EINVAL, as bpf_bprintf_prepare decides.

import { pairToBigInt } from '../vm/alu64.js';

const EINVAL = 22;
const MAX_LEN = 1024;

export type ReadString = (lo: number, hi: number, max: number) => Uint8Array | undefined;

export function formatPrintk(fmtBytes: Uint8Array, args: { lo: number; hi: number }[], read: ReadString): string | number {
  const nul = fmtBytes.indexOf(0);
  if (nul < 0) return -EINVAL; // the format must be NUL-terminated within fmt_size
  const fmt = Buffer.from(fmtBytes.subarray(0, nul)).toString('latin1');
  let out = '';
  let argi = 0;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch !== '%') { out += ch; continue; }
    if (fmt[i + 1] === '%') { out += '%'; i++; continue; }
    const m = /^([-0+ ]*)(\d*)(ll|l)?([diuxXcsp])(I4|i4|K|ks|us)?/.exec(fmt.slice(i + 1));
    if (!m || argi >= 3) return -EINVAL;
    const [spec, flags = '', width = '', len = '', conv = '', ext = ''] = m;
    const a = args[argi++]!;
    let text: string;
    let sign = '';
    const v64 = len.startsWith('l') || conv === 'p';
    switch (conv) {
      case 'd': case 'i': {
        const v = v64 ? pairToBigInt(a.lo, a.hi, true) : BigInt(a.lo | 0);
        sign = v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        text = (v < 0n ? -v : v).toString();
        break;
      }
      case 'u': text = (v64 ? pairToBigInt(a.lo, a.hi) : BigInt(a.lo >>> 0)).toString(); break;
      case 'x': case 'X': {
        const s = (v64 ? pairToBigInt(a.lo, a.hi) : BigInt(a.lo >>> 0)).toString(16);
        text = conv === 'X' ? s.toUpperCase() : s;
        break;
      }
      case 'c': text = String.fromCharCode(a.lo & 0xff); break;
      case 's': {
        const b = read(a.lo, a.hi, MAX_LEN);
        if (!b) { text = '(null)'; break; }
        const z = b.indexOf(0);
        text = Buffer.from(z >= 0 ? b.subarray(0, z) : b).toString('latin1');
        break;
      }
      default: { // %p and its extensions
        if (ext === 'I4' || ext === 'i4') {
          const b = read(a.lo, a.hi, 4);
          text = b && b.length >= 4 ? (ext === 'I4' ? [...b.subarray(0, 4)].join('.') : [...b.subarray(0, 4)].map((x) => String(x).padStart(3, '0')).join('.')) : '(null)';
        } else {
          text = '0x' + pairToBigInt(a.lo, a.hi).toString(16);
        }
      }
    }
    // printf padding: left-justify with '-', zeros go between the sign and the digits.
    const w = Number(width || 0);
    const zero = flags.includes('0') && !flags.includes('-') && conv !== 's' && conv !== 'c';
    if (zero) text = sign + text.padStart(Math.max(0, w - sign.length), '0');
    else text = sign + text;
    if (text.length < w) text = flags.includes('-') ? text.padEnd(w) : text.padStart(w);
    out += text;
    i += spec.length;
  }
  return out.length > MAX_LEN - 1 ? out.slice(0, MAX_LEN - 1) : out;
}
