// The state of one scenario: the backend, the iommufds it opened, the names
// it remembered and the outcome of the last calls.
import { relative, resolve } from 'node:path';
import { BeforeStep, setWorldConstructor, World, type IWorldOptions, type ITestStepHookParameter } from '@cucumber/cucumber';
import { loadSpec } from '../../spec/loader/load.ts';
import type { Spec, IoctlDef } from '../../spec/loader/types.ts';
import { BackendSkipped, type Backend, type IoctlArg, type IoctlResult } from '../../harness/backend/interface.ts';
import { evaluate, rowValue, RowError, ValueError } from '../../harness/codec/values.ts';
import { astLines } from '../../harness/lint/features.ts';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { closest } from '../../harness/codec/nearest.ts';
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
  /** The step now running, for messages that name file:line of the spec's mistake. */
  step?: ITestStepHookParameter;

  constructor(options: IWorldOptions<WorldParams>) { super(options); }

  get backend(): Backend { return backend(); }
  get last(): Call {
    const c = this.calls.at(-1);
    if (!c) throw new Error('no ioctl has been called yet');
    return c;
  }

  ioctlDef(name: string): IoctlDef {
    const d = this.spec.ioctls.get(name);
    if (!d) throw this.specError(`unknown ioctl '${name}' (not in spec/)${closest(name, this.spec.ioctls.keys())}`);
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
    try {
      return evaluate(this.spec, expr, (n) => this.vars.get(n));
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      // A cell of the step's table, if the expression is one; else the step.
      const rows = this.step?.pickleStep.argument?.dataTable?.rows ?? [];
      const row = rows.findIndex((r) => r.cells.some((c) => c.value === expr));
      throw this.specError(e.message, row < 0 ? undefined : row);
    }
  }

  /**
   * A mistake of the scenario's text (not of the backend): its message is
   * file:line of the step, or of row `row` of its table, then what is wrong,
   * with no stack trace (the harness's code is not at fault).
   */
  specError(detail: string, row?: number): Error {
    const e = new Error(`${this.where(row)}: ${detail}`);
    e.name = 'SpecError';
    e.stack = e.message;
    return e;
  }

  private where(row?: number): string {
    const h = this.step;
    if (!h) return 'the scenario';
    const { lines, tableLines } = astLines(h.gherkinDocument);
    const id = h.pickleStep.astNodeIds[0]!;
    const line = (row === undefined ? undefined : tableLines.get(id)?.[row]) ?? lines.get(id) ?? 0;
    return `${relative(process.cwd(), resolve(PROJECT_ROOT, h.pickle.uri))}:${line}`;
  }

  errnoName(n: number): string {
    return n === 0 ? 'success' : this.spec.errnoName.get(n) ?? `errno ${n}`;
  }

  /** Encodes a field | value table for an ioctl's struct (size filled in unless given). */
  encodeTable(def: IoctlDef, rows: readonly (readonly string[])[]): Uint8Array {
    if (!def.struct) throw new Error(`${def.name} takes no struct`);
    const flat: Record<string, FieldValue> = {};
    const body = tableRows(rows);
    body.forEach(([field, expr], i) => {
      try {
        flat[field] = rowValue(this.spec, def.struct!, field, expr, (n) => this.vars.get(n));
      } catch (e) {
        throw e instanceof RowError ? this.specError(e.message, i + rows.length - body.length) : e;
      }
    });
    return encode(def.struct, nest(flat));
  }

  async call(def: IoctlDef, arg: IoctlArg, fdName?: string): Promise<IoctlResult> {
    // An ioctl that needs a build option the backend says it lacks (IOMMU_TEST_CMD without
    // CONFIG_IOMMUFD_TEST, say) makes the scenario not applicable there; a raw number is sent as it is.
    const known = this.backend.info.ioctls;
    if (def.requires && known && !known.includes(def.name)) {
      throw new BackendSkipped(`not applicable: ${def.name} needs CONFIG_${def.requires}, which the backend lacks`);
    }
    const result = await this.backend.ioctl(this.fd(fdName), def.request, arg);
    this.calls.push({ ioctl: def, result, sent: 'bytes' in arg ? arg.bytes : undefined });
    return result;
  }
}

setWorldConstructor(IommufdWorld);

BeforeStep(function (this: IommufdWorld, step: ITestStepHookParameter) { this.step = step; });
