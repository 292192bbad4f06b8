// Decode the `.BTF` section: header, string section and type section, into BtfType records.
// Ids are positional (the first type is id 1; id 0 is void).

import type { BtfMember, BtfType } from './btf-types.js';
import { BTF_KIND } from './btf-types.js';
import { ByteReader } from './reader.js';

export const BTF_MAGIC = 0xeb9f;
const TYPE_HEADER_SIZE = 12;

export interface RawBtf {
  types: BtfType[];
  strings: ByteReader;
}

export function parseBtfSection(data: Uint8Array, file: string, section = '.BTF'): RawBtf {
  const hdr = new ByteReader(data, file, `section '${section}' header`);
  const magic = hdr.u16(0, 'magic');
  if (magic !== BTF_MAGIC) hdr.fail(`bad magic 0x${magic.toString(16)} (want 0x${BTF_MAGIC.toString(16)}; big-endian BTF is not supported)`);
  const version = hdr.u8(2, 'version');
  if (version !== 1) hdr.fail(`unsupported BTF version ${version}`);
  const hdrLen = hdr.u32(4, 'hdr_len');
  const typeOff = hdr.u32(8, 'type_off');
  const typeLen = hdr.u32(12, 'type_len');
  const strOff = hdr.u32(16, 'str_off');
  const strLen = hdr.u32(20, 'str_len');
  const body = new ByteReader(data, file, `section '${section}'`);
  const typeBytes = body.slice(hdrLen + typeOff, typeLen, 'type section');
  const strBytes = body.slice(hdrLen + strOff, strLen, 'string section');
  const strings = new ByteReader(strBytes, file, `section '${section}' string section`);
  const types = readTypes(new ByteReader(typeBytes, file, `section '${section}' type section`), strings);
  return { types, strings };
}

function readTypes(r: ByteReader, strings: ByteReader): BtfType[] {
  const types: BtfType[] = [{ id: 0, name: '', kind: 'void' }];
  let at = 0;
  while (at < r.length) {
    const id = types.length;
    const item = `type #${id}`;
    const name = strings.cstr(r.u32(at, item), `name of ${item}`);
    const info = r.u32(at + 4, item);
    const sizeOrType = r.u32(at + 8, item);
    const vlen = info & 0xffff;
    const kind = (info >> 24) & 0x1f;
    const kindFlag = info >>> 31 === 1;
    const base = { id, name };
    at += TYPE_HEADER_SIZE;
    const str = (off: number, what: string) => strings.cstr(off, `${what} of ${item} '${name}'`);
    switch (kind) {
      case BTF_KIND.INT: {
        const enc = r.u32(at, item);
        at += 4;
        types.push({ ...base, kind: 'int', size: sizeOrType, bits: enc & 0xff, bitOffset: (enc >> 16) & 0xff,
          signed: ((enc >> 24) & 1) !== 0, char: ((enc >> 24) & 2) !== 0, bool: ((enc >> 24) & 4) !== 0 });
        break;
      }
      case BTF_KIND.PTR: types.push({ ...base, kind: 'ptr', type: sizeOrType }); break;
      case BTF_KIND.TYPEDEF: types.push({ ...base, kind: 'typedef', type: sizeOrType }); break;
      case BTF_KIND.VOLATILE: types.push({ ...base, kind: 'volatile', type: sizeOrType }); break;
      case BTF_KIND.CONST: types.push({ ...base, kind: 'const', type: sizeOrType }); break;
      case BTF_KIND.RESTRICT: types.push({ ...base, kind: 'restrict', type: sizeOrType }); break;
      case BTF_KIND.TYPE_TAG: types.push({ ...base, kind: 'type_tag', type: sizeOrType }); break;
      case BTF_KIND.ARRAY:
        types.push({ ...base, kind: 'array', elemType: r.u32(at, item), indexType: r.u32(at + 4, item), count: r.u32(at + 8, item) });
        at += 12;
        break;
      case BTF_KIND.STRUCT:
      case BTF_KIND.UNION: {
        const members: BtfMember[] = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          const raw = r.u32(at + 8, `member ${i} of ${item}`);
          members.push({
            name: str(r.u32(at, `member ${i} of ${item}`), `member ${i} name`),
            type: r.u32(at + 4, `member ${i} of ${item}`),
            // With kind_flag the offset word packs the bitfield size into its top byte.
            bitOffset: kindFlag ? raw & 0xffffff : raw,
            bitSize: kindFlag ? raw >>> 24 : 0,
          });
        }
        types.push({ ...base, kind: kind === BTF_KIND.STRUCT ? 'struct' : 'union', size: sizeOrType, members });
        break;
      }
      case BTF_KIND.ENUM: {
        const values = [];
        for (let i = 0; i < vlen; i++, at += 8) {
          const v = kindFlag ? r.i32(at + 4, item) : r.u32(at + 4, item);
          values.push({ name: str(r.u32(at, item), `enumerator ${i} name`), value: BigInt(v) });
        }
        types.push({ ...base, kind: 'enum', size: sizeOrType, signed: kindFlag, values });
        break;
      }
      case BTF_KIND.ENUM64: {
        const values = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          const raw = (BigInt(r.u32(at + 8, item)) << 32n) | BigInt(r.u32(at + 4, item));
          values.push({ name: str(r.u32(at, item), `enumerator ${i} name`), value: kindFlag ? BigInt.asIntN(64, raw) : raw });
        }
        types.push({ ...base, kind: 'enum64', size: sizeOrType, signed: kindFlag, values });
        break;
      }
      case BTF_KIND.FWD: types.push({ ...base, kind: 'fwd', union: kindFlag }); break;
      case BTF_KIND.FUNC: types.push({ ...base, kind: 'func', type: sizeOrType, linkage: vlen }); break;
      case BTF_KIND.FUNC_PROTO: {
        const params = [];
        for (let i = 0; i < vlen; i++, at += 8) {
          params.push({ name: str(r.u32(at, item), `param ${i} name`), type: r.u32(at + 4, item) });
        }
        types.push({ ...base, kind: 'func_proto', returnType: sizeOrType, params });
        break;
      }
      case BTF_KIND.VAR:
        types.push({ ...base, kind: 'var', type: sizeOrType, linkage: r.u32(at, item) });
        at += 4;
        break;
      case BTF_KIND.DATASEC: {
        const vars = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          vars.push({ type: r.u32(at, item), offset: r.u32(at + 4, item), size: r.u32(at + 8, item) });
        }
        types.push({ ...base, kind: 'datasec', size: sizeOrType, vars });
        break;
      }
      case BTF_KIND.FLOAT: types.push({ ...base, kind: 'float', size: sizeOrType }); break;
      case BTF_KIND.DECL_TAG:
        types.push({ ...base, kind: 'decl_tag', type: sizeOrType, componentIdx: r.i32(at, item) });
        at += 4;
        break;
      default:
        r.fail(`${item} '${name}' at offset ${at - TYPE_HEADER_SIZE} has unknown kind ${kind}`);
    }
    // Variable-length tails are read lazily above; make sure the last one really fit.
    if (at > r.length) r.fail(`${item} '${name}' runs past the end of the type section (truncated BTF)`);
  }
  return types;
}
