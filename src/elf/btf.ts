// The parsed `.BTF` of an object: types by id, name lookup, qualifier/typedef resolution and
// sizeof. Layouts for map keys/values come from btf-layout.ts.

import type { Layout } from '../maps/layout.js';
import { layoutOfType } from './btf-layout.js';
import { parseBtfSection } from './btf-parse.js';
import type { BtfKindName, BtfType, BtfTypeOf } from './btf-types.js';
import { ElfError } from './errors.js';
import type { ByteReader } from './reader.js';

/** Deeper chains than this are treated as a cycle (malformed BTF). */
const MAX_RESOLVE_DEPTH = 64;

const QUALIFIERS: ReadonlySet<BtfKindName> = new Set(['typedef', 'const', 'volatile', 'restrict', 'type_tag']);

export class Btf {
  private readonly byName = new Map<string, BtfType[]>();

  constructor(
    readonly file: string,
    /** Index = type id; types[0] is void. */
    readonly types: BtfType[],
    private readonly strings: ByteReader,
  ) {
    for (const t of types) {
      if (!t.name) continue;
      const list = this.byName.get(t.name);
      if (list) list.push(t);
      else this.byName.set(t.name, [t]);
    }
  }

  static parse(data: Uint8Array, file: string): Btf {
    const raw = parseBtfSection(data, file);
    return new Btf(file, raw.types, raw.strings);
  }

  fail(detail: string): never {
    throw new ElfError(this.file, `.BTF: ${detail}`);
  }

  typeById(id: number): BtfType {
    const t = this.types[id];
    if (!t) this.fail(`type id ${id} is out of range (${this.types.length - 1} types)`);
    return t;
  }

  /** The type with this id, which must be of kind `kind`. */
  expect<K extends BtfKindName>(id: number, kind: K, context: string): BtfTypeOf<K> {
    const t = this.typeById(id);
    if (t.kind !== kind) this.fail(`${context}: type #${id} is ${t.kind}, expected ${kind}`);
    return t as BtfTypeOf<K>;
  }

  /** The first type named `name`, optionally of a given kind. */
  find(name: string, kind?: BtfKindName): BtfType | undefined {
    return this.byName.get(name)?.find((t) => kind === undefined || t.kind === kind);
  }

  findAll(name: string): readonly BtfType[] {
    return this.byName.get(name) ?? [];
  }

  /** A string from the BTF string section (line info source text lives here too). */
  string(offset: number, what = 'string'): string {
    return this.strings.cstr(offset, what);
  }

  /** Skip typedef/const/volatile/restrict/type_tag; returns the underlying type's id. */
  resolve(id: number): number {
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      const t = this.typeById(id);
      if (!QUALIFIERS.has(t.kind)) return id;
      id = (t as { type: number }).type;
    }
    this.fail(`type chain starting at #${id} is too deep or cyclic`);
  }

  resolved(id: number): BtfType {
    return this.typeById(this.resolve(id));
  }

  sizeof(id: number, depth = 0): number {
    if (depth > MAX_RESOLVE_DEPTH) this.fail(`type #${id}: nesting too deep or cyclic`);
    const t = this.typeById(id);
    switch (t.kind) {
      case 'int': case 'struct': case 'union': case 'enum': case 'enum64': case 'float': case 'datasec':
        return t.size;
      case 'ptr':
        return 8;
      case 'array':
        return t.count * this.sizeof(t.elemType, depth + 1);
      case 'typedef': case 'const': case 'volatile': case 'restrict': case 'type_tag': case 'var':
        return this.sizeof(t.type, depth + 1);
      default:
        this.fail(`type #${id}${t.name ? ` '${t.name}'` : ''} (${t.kind}) has no size`);
    }
  }

  layoutOf(id: number): Layout {
    return layoutOfType(this, id);
  }
}
