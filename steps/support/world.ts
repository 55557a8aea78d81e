// The state of one scenario: the backend, the iommufds it opened, the names
// it remembered and the outcome of the last calls.
import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { loadSpec } from '../../spec/loader/load.ts';
import type { Spec, IoctlDef } from '../../spec/loader/types.ts';
import type { Backend, IoctlArg, IoctlResult } from '../../harness/backend/interface.ts';
import { evaluate } from '../../harness/codec/values.ts';
import { encode, nest, type FieldValue } from '../../harness/codec/codec.ts';
import { tableRows } from '../../harness/lint/vocabulary.ts';

export interface Call {
  ioctl: IoctlDef;
  result: IoctlResult;
  /** Bytes passed in (before the call). */
  sent?: Uint8Array;
}

export interface WorldParams { backend: string; timeoutMs?: number }

export { backend, setBackend, takePreset } from '../../harness/backend/preset.ts';
import { backend } from '../../harness/backend/preset.ts';

export class IommufdWorld extends World<WorldParams> {
  readonly spec: Spec = loadSpec();
  readonly fds = new Map<string, number>();
  readonly vars = new Map<string, bigint>();
  calls: Call[] = [];
  /** Forked children between the backend's own process and the current one. */
  children = 0;

  constructor(options: IWorldOptions<WorldParams>) { super(options); }

  get backend(): Backend { return backend(); }
  get last(): Call {
    const c = this.calls.at(-1);
    if (!c) throw new Error('no ioctl has been called yet');
    return c;
  }

  ioctlDef(name: string): IoctlDef {
    const d = this.spec.ioctls.get(name);
    if (!d) throw new Error(`${name} is not an ioctl of spec/`);
    return d;
  }

  fd(name = '$iommufd'): number {
    const fd = this.fds.get(name);
    if (fd === undefined) throw new Error(`no iommufd named ${name} is open`);
    return fd;
  }

  async openIommufd(name = '$iommufd', path = '/dev/iommu'): Promise<void> {
    const r = await this.backend.open(path);
    if (r.errno) throw new Error(`open(${path}) failed with ${this.errnoName(r.errno)}`);
    this.fds.set(name, r.ret);
  }

  value(expr: string): bigint {
    return evaluate(this.spec, expr, (n) => this.vars.get(n));
  }

  errnoName(n: number): string {
    return n === 0 ? 'success' : this.spec.errnoName.get(n) ?? `errno ${n}`;
  }

  /** Encodes a field | value table for an ioctl's struct (size filled in unless given). */
  encodeTable(def: IoctlDef, rows: readonly (readonly string[])[]): Uint8Array {
    if (!def.struct) throw new Error(`${def.name} takes no struct`);
    const flat: Record<string, FieldValue> = {};
    for (const [field, expr] of tableRows(rows)) flat[field] = this.value(expr);
    return encode(def.struct, nest(flat));
  }

  async call(def: IoctlDef, arg: IoctlArg, fdName?: string): Promise<IoctlResult> {
    const result = await this.backend.ioctl(this.fd(fdName), def.request, arg);
    this.calls.push({ ioctl: def, result, sent: 'bytes' in arg ? arg.bytes : undefined });
    return result;
  }
}

setWorldConstructor(IommufdWorld);
