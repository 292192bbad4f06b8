// A context given by field name ({"mark": 7, "cb": [1, 2]}) → the struct bytes a test run takes.
import type { CtxLayout } from './ctx-fields.js';

export function encodeCtx(layout: CtxLayout, json: unknown, what = 'ctx'): Uint8Array {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new TypeError(`${what}: expected an object of field → number`);
  const out = new Uint8Array(layout.size);
  const view = new DataView(out.buffer);
  const put = (name: string, value: unknown) => {
    const f = layout.fields.find((x) => x.name === name);
    if (!f) throw new TypeError(`${what}: no field "${name}" (fields: ${layout.fields.map((x) => x.name).join(', ')})`);
    if (typeof value !== 'number' && typeof value !== 'string') throw new TypeError(`${what}.${name}: expected a number`);
    const v = BigInt(value);
    if (f.size === 8) view.setBigUint64(f.offset, BigInt.asUintN(64, v), true);
    else if (f.size === 4) view.setUint32(f.offset, Number(BigInt.asUintN(32, v)), true);
    else view.setUint8(f.offset, Number(BigInt.asUintN(8, v)));
  };
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (Array.isArray(value)) value.forEach((v, i) => put(`${name}[${i}]`, v));
    else put(name, value);
  }
  return out;
}
