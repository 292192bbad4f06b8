// Prefix identities for the LPM trie: the first `prefixLen` bits of a key's data as a JS Map
// key. Data of up to 4 bytes becomes a masked number; longer data a latin1 string.

import type { KeyId } from './key-id.js';

export const LPM_DATA_OFFSET = 4; // struct bpf_lpm_trie_key { __u32 prefixlen; __u8 data[]; }

/** Mask of the first `bits` bits of a 32-bit big-endian word, for bits 0..32. */
const WORD_MASKS = Array.from({ length: 33 }, (_, bits) => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) | 0));

/** Mask of the first `bits` bits (0..7) of a byte. */
const BYTE_MASKS = Array.from({ length: 8 }, (_, bits) => (0xff00 >> bits) & 0xff);

/** A key's data prepared once per lookup, then cut at each candidate prefix length. */
export interface PrefixCutter {
  prepare(key: Uint8Array): KeyId;
  cut(prepared: KeyId, key: Uint8Array, prefixLen: number): KeyId;
}

export function prefixCutter(dataSize: number): PrefixCutter {
  return dataSize <= 4 ? wordCutter(dataSize) : stringCutter(dataSize);
}

function wordCutter(dataSize: number): PrefixCutter {
  return {
    prepare(key) {
      let word = 0;
      for (let i = 0; i < 4; i++) word = (word << 8) | (i < dataSize ? key[LPM_DATA_OFFSET + i] : 0);
      return word;
    },
    cut: (word, _key, prefixLen) => (word as number) & WORD_MASKS[prefixLen],
  };
}

function stringCutter(dataSize: number): PrefixCutter {
  return {
    prepare: (key) => String.fromCharCode.apply(null, key.subarray(LPM_DATA_OFFSET, LPM_DATA_OFFSET + dataSize) as unknown as number[]),
    cut(bytes, key, prefixLen) {
      const whole = prefixLen >> 3;
      const rest = prefixLen & 7;
      const head = (bytes as string).slice(0, whole);
      return rest === 0 ? head : head + String.fromCharCode(key[LPM_DATA_OFFSET + whole] & BYTE_MASKS[rest]);
    },
  };
}

/**
 * The kernel's get-next-key order: a postorder walk of the trie, 0-branch first. So
 * more specific prefixes come before the prefixes that cover them.
 */
export function comparePostorder(a: Uint8Array, aLen: number, b: Uint8Array, bLen: number): number {
  const common = Math.min(aLen, bLen);
  const whole = common >> 3;
  for (let i = LPM_DATA_OFFSET; i < LPM_DATA_OFFSET + whole; i++) if (a[i] !== b[i]) return a[i] - b[i];
  const rest = common & 7;
  if (rest !== 0) {
    const mask = BYTE_MASKS[rest];
    const x = a[LPM_DATA_OFFSET + whole] & mask;
    const y = b[LPM_DATA_OFFSET + whole] & mask;
    if (x !== y) return x - y;
  }
  return bLen - aLen;
}

/** The key as the trie compares it: data bits past prefixlen zeroed. */
export function maskedLpmKey(key: Uint8Array): Uint8Array {
  const out = key.slice();
  const bits = (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;
  for (let i = LPM_DATA_OFFSET; i < out.length; i++) {
    const keep = Math.min(Math.max(bits - (i - LPM_DATA_OFFSET) * 8, 0), 8);
    out[i] &= keep === 8 ? 0xff : BYTE_MASKS[keep];
  }
  return out;
}
