// Turns key bytes into a JS Map key. This runs on every map lookup of every packet, so:
// keys up to 6 bytes become exact numbers; longer keys become a string with one UTF-16
// code unit per 2 bytes (half the length of a latin1 string, built with one native call).

export type KeyId = number | string;
export type KeyIdFn = (key: Uint8Array) => KeyId;

export function keyIdFn(size: number): KeyIdFn {
  switch (size) {
    case 1: return (k) => k[0];
    case 2: return (k) => k[0] | (k[1] << 8);
    case 3: return (k) => k[0] | (k[1] << 8) | (k[2] << 16);
    case 4: return (k) => k[0] | (k[1] << 8) | (k[2] << 16) | (k[3] << 24);
    case 5: return (k) => (k[0] | (k[1] << 8) | (k[2] << 16) | (k[3] << 24)) + k[4] * 0x100000000;
    case 6: return (k) => (k[0] | (k[1] << 8) | (k[2] << 16) | (k[3] << 24)) + (k[4] | (k[5] << 8)) * 0x100000000;
    default: return stringKeyIdFn(size);
  }
}

function stringKeyIdFn(size: number): KeyIdFn {
  const pairs = size >> 1;
  const units = new Array<number>(pairs + (size & 1)).fill(0);
  return (k) => {
    for (let i = 0; i < pairs; i++) units[i] = k[2 * i] | (k[2 * i + 1] << 8);
    if (size & 1) units[pairs] = k[size - 1];
    return String.fromCharCode.apply(null, units);
  };
}

/** Little-endian u32 at the start of a key: the index of array-like maps. */
export function readIndex(key: Uint8Array): number {
  return (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;
}

export function indexKey(index: number): Uint8Array {
  return new Uint8Array([index & 0xff, (index >>> 8) & 0xff, (index >>> 16) & 0xff, index >>> 24]);
}

/** memcmp order: the order of entries in JSON dumps. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
