// The in-memory form of spec/: what every other module derives layouts,
// numbers and names from.

export type ScalarType = 'u8' | 'u16' | 'u32' | 's32' | 'u64' | 's64' | 'aligned_u64' | 'aligned_le64' | 'uptr';
export type Dir = 'in' | 'out' | 'inout' | 'none';
export type Convention = 'size' | 'argsz' | 'int' | 'none';

export const SCALAR_SIZE: Record<ScalarType, number> = {
  u8: 1, u16: 2, u32: 4, s32: 4, u64: 8, s64: 8, aligned_u64: 8, aligned_le64: 8, uptr: 8,
};

export interface FieldDef {
  name: string;
  offset: number;
  /** Scalar type, or undefined when the field is a nested struct. */
  scalar?: ScalarType;
  /** Nested struct, when the field's type is struct:NAME. */
  struct?: StructDef;
  /** Array element count; 1 for a plain field. */
  count: number;
  isArray: boolean;
  elemSize: number;
  /** Total bytes: elemSize * count. */
  size: number;
  dir: Dir;
  mbz: boolean;
  values?: string;
  flags?: string;
  union?: string;
  doc?: string;
}

export interface StructDef {
  name: string;
  size: number;
  align: number;
  anonymous: boolean;
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
  padding: { offset: number; size: number }[];
  /** Trailing C99 flexible array member: starts at size, counts for alignment only. */
  flexible?: { name: string; scalar?: ScalarType; struct?: StructDef };
  file: string;
  header: string;
  doc?: string;
}

export interface EnumDef {
  name: string;
  kind: 'values' | 'flags' | 'constants';
  values: Map<string, bigint>;
  /** Names that are not C constants (excluded from the C check). */
  unchecked: Set<string>;
  file: string;
  header: string;
}

export interface IoctlDef {
  name: string;
  nr: number;
  type: string;
  request: number;
  convention: Convention;
  struct?: StructDef;
  lastMandatory?: string;
  minSize: number;
  since: string;
  requires?: string;
  file: string;
  header: string;
}

export interface UapiFile {
  path: string;
  header: string;
  check: 'libc-dev-newest' | 'libc-dev-system' | 'kernel-source' | 'libc-dev-5.10';
  structs: string[];
  enums: string[];
  ioctls: string[];
}

export interface Spec {
  root: string;
  files: UapiFile[];
  structs: Map<string, StructDef>;
  enums: Map<string, EnumDef>;
  /** Every enumerator and constant by name. */
  constants: Map<string, { value: bigint; enumName: string }>;
  ioctls: Map<string, IoctlDef>;
  ioctlByRequest: Map<number, IoctlDef>;
  errno: Map<string, number>;
  errnoName: Map<number, string>;
}

export class SpecError extends Error {
  constructor(readonly file: string, readonly line: number, readonly detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'SpecError';
  }
}
