// The wire protocol of spec/protocol/wire-v1.schema.json: message shapes,
// hex and u64 encodings, and the ajv validators both ends use.
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { SPEC_ROOT, readJson } from '../../spec/loader/load.ts';
import { schemaValidators } from '../../spec/loader/validators.ts';
import type { BackendInfo, IoctlArg } from './interface.ts';

export const PROTOCOL_VERSION = 1;
const SCHEMA_ID = 'https://iommufd-conformance.invalid/spec/protocol/wire-v1.schema.json';

let validators: Record<string, ValidateFunction> | undefined;
/** The branch of the request's oneOf that describes each command, e.g. open -> 2 (req_open). */
let requestBranch: Map<string, number> | undefined;
let requestBranches = 0;

/** The validator of requests (a server's) or of replies (the harness's), loaded on first use. */
function validator(kind: 'request' | 'reply'): ValidateFunction {
  if (!validators) {
    type Def = { properties?: { cmd?: { const?: string; enum?: string[] } }; oneOf?: { $ref: string }[] };
    const schema = readJson(join(SPEC_ROOT, 'protocol', 'wire-v1.schema.json')).data as { $defs: Record<string, Def> };
    validators = schemaValidators('wire-v1', schema, { strict: true, allErrors: false }, { request: `${SCHEMA_ID}#/$defs/request`, reply: `${SCHEMA_ID}#/$defs/reply` });
    requestBranches = schema.$defs.request!.oneOf?.length ?? 0;
    requestBranch = new Map((schema.$defs.request!.oneOf ?? []).flatMap((b, i) => {
      const cmd = schema.$defs[b.$ref.replace('#/$defs/', '')]?.properties?.cmd;
      return [cmd?.const, ...(cmd?.enum ?? [])].filter((c): c is string => !!c).map((c) => [c, i] as const);
    }));
  }
  return validators[kind]!;
}

/** Loads the reply validator now (e.g. while a backend process starts) rather than on the first reply. */
export function warmValidators(): void { validator('reply'); }

export type Request = { seq: number; cmd: string; [k: string]: unknown };
export interface WireResult {
  ret?: number; errno?: number; bytes?: string; addr?: string; revents?: number;
  vmPinnedKb?: number; vmLockedKb?: number; start?: WireStart;
}
export type WireStart = Omit<BackendInfo, 'kernel'> & { kernel: string; protocol: number };
export type Reply =
  | { seq: number; ok: WireResult }
  | { seq: number; skipped: { reason: string } }
  | { seq: number; errored: { message: string; context?: string } };

function explain(v: ValidateFunction): string {
  const e = v.errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message ?? 'invalid'}` : 'invalid';
}

/**
 * Of a request's errors, the one of its own command's shape: the others say
 * only that it is not another command. Without allErrors each branch of the
 * oneOf gives one error, in the order of the branches, then the oneOf's own.
 */
function explainRequest(v: ValidateFunction, msg: unknown): string {
  const cmd = (msg as { cmd?: unknown } | null)?.cmd;
  const i = typeof cmd === 'string' ? requestBranch?.get(cmd) : undefined;
  const own = i !== undefined && v.errors?.length === requestBranches + 1 ? v.errors[i] : undefined;
  return own ? `${cmd}: ${own.instancePath || '/'} ${own.message ?? 'invalid'}${own.params && 'additionalProperty' in own.params ? ` '${own.params.additionalProperty}'` : ''}` : explain(v);
}

/** Parses and validates one line as a request; returns the error text otherwise. */
export function parseRequest(line: string): Request | string {
  let msg: unknown;
  try { msg = JSON.parse(line); } catch (e) { return `not JSON: ${(e as Error).message}`; }
  const v = validator('request');
  return v(msg) ? (msg as Request) : `not a valid request: ${explainRequest(v, msg)}`;
}

/** Parses and validates one line as a reply; returns the error text otherwise. */
export function parseReply(line: string): Reply | string {
  let msg: unknown;
  try { msg = JSON.parse(line); } catch (e) { return `not JSON: ${(e as Error).message}`; }
  const v = validator('reply');
  return v(msg) ? (msg as Reply) : `not a valid reply: ${explain(v)}`;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const u64 = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;
export const fromU64 = (s: string): bigint => BigInt(s);

export function argToWire(arg: IoctlArg): Record<string, string> {
  if ('bytes' in arg) return { bytes: toHex(arg.bytes) };
  if ('addr' in arg) return { addr: u64(arg.addr) };
  return { value: u64(arg.value) };
}

export function argFromWire(arg: Record<string, string>): IoctlArg {
  if (arg.bytes !== undefined) return { bytes: fromHex(arg.bytes) };
  if (arg.addr !== undefined) return { addr: fromU64(arg.addr) };
  return { value: fromU64(arg.value!) };
}
