// A JSON Schema derived from each struct description: the shape an object
// must have before it is encoded (known fields, right types, values in range).
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { FieldDef, StructDef } from '../../spec/loader/types.ts';
import { RANGE, parseIntLiteral } from './scalar.ts';

const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;

function scalarSchema(f: FieldDef): object {
  const r = RANGE[f.scalar!];
  const min = r.min < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(r.min);
  const max = r.max > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(r.max);
  return {
    anyOf: [
      { type: 'integer', minimum: min, maximum: max },
      { type: 'string', format: f.scalar },
    ],
  };
}

function fieldSchema(f: FieldDef): object {
  const elem = f.struct ? structSchema(f.struct) : scalarSchema(f);
  return f.isArray ? { type: 'array', maxItems: f.count, items: elem } : elem;
}

/** The JSON Schema of a struct's object form. */
export function structSchema(def: StructDef): object {
  const properties: Record<string, object> = {};
  for (const f of def.fields) properties[f.name] = fieldSchema(f);
  return { type: 'object', additionalProperties: false, properties };
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
for (const [t, r] of Object.entries(RANGE)) {
  ajv.addFormat(t, {
    type: 'string',
    validate: (s: string) => {
      const v = parseIntLiteral(s);
      return v !== undefined && v >= r.min && v <= r.max;
    },
  });
}
const compiled = new WeakMap<StructDef, ValidateFunction>();

export class CodecError extends Error {
  constructor(readonly field: string, readonly detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'CodecError';
  }
}

/** bigint values become decimal strings so that the schema can judge them. */
function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

/** Validates an object against the struct's schema; returns errors naming the field. */
export function validateObject(def: StructDef, obj: unknown): CodecError[] {
  let v = compiled.get(def);
  if (!v) { v = ajv.compile(structSchema(def)); compiled.set(def, v); }
  if (v(normalise(obj))) return [];
  const seen = new Set<string>();
  const out: CodecError[] = [];
  for (const e of v.errors ?? []) {
    let path = e.instancePath.slice(1).replace(/\//g, '.');
    let detail: string;
    if (e.keyword === 'additionalProperties') {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      path = path ? `${path}.${name}` : name;
      detail = `unknown field of struct ${def.name}`;
    } else if (e.keyword === 'maxItems') {
      detail = `too many elements (${e.message})`;
    } else {
      detail = 'wrong type or value out of range';
    }
    const key = `${path}|${detail}`;
    if (seen.has(key) || (detail.startsWith('wrong') && [...seen].some((k) => k.startsWith(`${path}|`)))) continue;
    seen.add(key);
    out.push(new CodecError(path || def.name, detail));
  }
  return out;
}
