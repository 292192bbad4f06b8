// The BTF type model: one variant per BTF_KIND_*, with names and referenced ids resolved from
// the wire format (see the kernel's Documentation/bpf/btf.rst).

export const BTF_KIND = {
  UNKN: 0, INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8,
  VOLATILE: 9, CONST: 10, RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15,
  FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19,
} as const;

export interface BtfMember {
  name: string;
  type: number;
  /** Offset from the start of the struct, in bits. */
  bitOffset: number;
  /** Non-zero for bitfields. */
  bitSize: number;
}

export interface BtfEnumValue {
  name: string;
  value: bigint;
}

export interface BtfParam {
  name: string;
  type: number;
}

export interface BtfVarSecinfo {
  type: number;
  offset: number;
  size: number;
}

interface Base {
  id: number;
  name: string;
}

type RefKind = 'ptr' | 'typedef' | 'volatile' | 'const' | 'restrict' | 'type_tag';
// One variant per kind (a generic per shape), so that checking `kind` narrows the type.
type Ref<K extends RefKind> = Base & { kind: K; type: number };
type Composite<K extends 'struct' | 'union'> = Base & { kind: K; size: number; members: BtfMember[] };
type Enum<K extends 'enum' | 'enum64'> = Base & { kind: K; size: number; signed: boolean; values: BtfEnumValue[] };

export type BtfType =
  | (Base & { kind: 'void' })
  | (Base & { kind: 'int'; size: number; bits: number; bitOffset: number; signed: boolean; char: boolean; bool: boolean })
  | Ref<'ptr'> | Ref<'typedef'> | Ref<'volatile'> | Ref<'const'> | Ref<'restrict'> | Ref<'type_tag'>
  | (Base & { kind: 'array'; elemType: number; indexType: number; count: number })
  | Composite<'struct'> | Composite<'union'>
  | Enum<'enum'> | Enum<'enum64'>
  | (Base & { kind: 'fwd'; union: boolean })
  | (Base & { kind: 'func'; type: number; linkage: number })
  | (Base & { kind: 'func_proto'; returnType: number; params: BtfParam[] })
  | (Base & { kind: 'var'; type: number; linkage: number })
  | (Base & { kind: 'datasec'; size: number; vars: BtfVarSecinfo[] })
  | (Base & { kind: 'float'; size: number })
  | (Base & { kind: 'decl_tag'; type: number; componentIdx: number });

export type BtfKindName = BtfType['kind'];
export type BtfTypeOf<K extends BtfKindName> = Extract<BtfType, { kind: K }>;

/** VAR linkage: static variables stay private to the object (libbpf hides them from skeletons). */
export const BTF_VAR_LINKAGE = { STATIC: 0, GLOBAL_ALLOCATED: 1, GLOBAL_EXTERN: 2 } as const;
