// BTF type → Layout (src/maps/layout.ts), the shape the map-contents codec reads and writes.
// Integers carry signedness and, for the __be16/__be32/__be64 typedefs, network byte order.
// Bitfields, pointers, floats and anything without a plain shape become opaque bytes.

import type { Layout, LayoutField } from '../maps/layout.js';
import type { Btf } from './btf.js';
import type { BtfMember } from './btf-types.js';

const BIG_ENDIAN_TYPEDEFS = new Set(['__be16', '__be32', '__be64']);
const MAX_DEPTH = 64;

export function layoutOfType(btf: Btf, id: number): Layout {
  return layout(btf, id, 0, {});
}

interface IntHints {
  bigEndian?: boolean;
  name?: string;
}

function layout(btf: Btf, id: number, depth: number, hints: IntHints): Layout {
  if (depth > MAX_DEPTH) btf.fail(`type #${id}: nesting too deep or cyclic`);
  const t = btf.typeById(id);
  switch (t.kind) {
    case 'typedef': {
      // The outermost typedef names the integer (e.g. __u32); a __be* typedef anywhere marks it.
      const next: IntHints = { name: hints.name ?? t.name, bigEndian: hints.bigEndian || BIG_ENDIAN_TYPEDEFS.has(t.name) };
      return layout(btf, t.type, depth + 1, next);
    }
    case 'const': case 'volatile': case 'restrict': case 'type_tag':
      return layout(btf, t.type, depth + 1, hints);
    case 'int':
      return intLayout(t.size, t.signed, hints.name ?? t.name, hints.bigEndian, t.bits !== t.size * 8 || t.bitOffset !== 0);
    case 'enum': case 'enum64':
      return intLayout(t.size, t.signed, hints.name ?? (t.name || undefined), hints.bigEndian, false);
    case 'array': {
      const elem = layout(btf, t.elemType, depth + 1, {});
      return { kind: 'array', size: t.count * elem.size, count: t.count, elem };
    }
    case 'struct': case 'union':
      return {
        kind: t.kind, size: t.size, ...(t.name ? { name: t.name } : {}),
        fields: fieldsOf(btf, t.members, depth),
      };
    case 'ptr':
      return { kind: 'bytes', size: 8 };
    case 'float': case 'datasec':
      return { kind: 'bytes', size: t.size };
    case 'var':
      return layout(btf, t.type, depth + 1, hints);
    default:
      return { kind: 'bytes', size: 0 };
  }
}

function intLayout(size: number, signed: boolean, name: string | undefined, bigEndian: boolean | undefined, odd: boolean): Layout {
  if (odd || (size !== 1 && size !== 2 && size !== 4 && size !== 8)) return { kind: 'bytes', size };
  return { kind: 'int', size, signed, ...(bigEndian ? { bigEndian: true } : {}), ...(name ? { name } : {}) };
}

/**
 * Members in declaration order. Runs of bitfields that share bytes collapse into one opaque
 * `bytes` field named "a,b,c" covering those bytes, so no two fields overlap in a struct.
 * Anonymous struct/union members are kept nested under the name "__anon<i>".
 */
function fieldsOf(btf: Btf, members: BtfMember[], depth: number): LayoutField[] {
  const out: LayoutField[] = [];
  let run: { names: string[]; start: number; end: number } | undefined;
  const flush = () => {
    if (run) out.push({ name: run.names.join(','), offset: run.start, layout: { kind: 'bytes', size: run.end - run.start } });
    run = undefined;
  };
  members.forEach((m, i) => {
    const name = m.name || `__anon${i}`;
    const bitfield = m.bitSize !== 0 || m.bitOffset % 8 !== 0 || isBitfieldInt(btf, m.type);
    if (!bitfield) {
      flush();
      out.push({ name, offset: m.bitOffset / 8, layout: layout(btf, m.type, depth + 1, {}) });
      return;
    }
    const bits = m.bitSize || btf.sizeof(m.type) * 8;
    const start = Math.floor(m.bitOffset / 8);
    const end = Math.ceil((m.bitOffset + bits) / 8);
    if (run && start < run.end) {
      run.names.push(name);
      run.end = Math.max(run.end, end);
    } else {
      flush();
      run = { names: [name], start, end };
    }
  });
  flush();
  return out;
}

/** Old-style (kind_flag = 0) bitfields are encoded in the INT type's own bit size/offset. */
function isBitfieldInt(btf: Btf, typeId: number): boolean {
  const t = btf.resolved(typeId);
  return t.kind === 'int' && (t.bits !== t.size * 8 || t.bitOffset !== 0);
}
