// Small builders for keys and values in map tests.

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

export function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** An LPM key for 4 data bytes: u32 prefixlen + the address bytes. */
export function lpm4(addr: string, prefixLen: number): Uint8Array {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setUint32(0, prefixLen, true);
  key.set(addr.split('.').map(Number), 4);
  return key;
}

export function readU32(b: Uint8Array | undefined): number | undefined {
  return b === undefined ? undefined : new DataView(b.buffer, b.byteOffset).getUint32(0, true);
}

/** All keys by repeated nextKey, as `bpftool map dump` walks a map. */
export function walkKeys(map: { nextKey(k: Uint8Array | undefined): Uint8Array | undefined }): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let k = map.nextKey(undefined); k !== undefined; k = map.nextKey(k)) {
    keys.push(k);
    if (keys.length > 100_000) throw new Error('nextKey loops');
  }
  return keys;
}
