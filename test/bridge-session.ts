// A sanitized build of the native bridge (bridge/) and a protocol session
// with it, for the bridge tests: every reply is checked against
// spec/protocol/wire-v1.schema.json.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { tempDir } from './helpers.ts';

const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_ID = 'https://iommufd-conformance.invalid/spec/protocol/wire-v1.schema.json';
export const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(JSON.parse(readFileSync(join(repo, 'spec/protocol/wire-v1.schema.json'), 'utf8')));
export const validReply = ajv.getSchema(`${SCHEMA_ID}#/$defs/reply`)!;
export const validRequest = ajv.getSchema(`${SCHEMA_ID}#/$defs/request`)!;

const cc = process.env.CC ?? 'gcc';
const haveCc = spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0;
// In CI the bridge is part of what must pass: a missing compiler fails rather than skips.
if (!haveCc && process.env.CI) throw new Error(`the bridge tests need a C compiler (${cc})`);
export const skip = haveCc ? false : `needs a C compiler (${cc}) to build bridge/`;

let built: string | undefined;
/** The bridge built with ASan and UBSan into a temporary directory (once). */
export function sanitizedBridge(): string {
  if (built) return built;
  const sources = readdirSync(join(repo, 'bridge')).filter((f) => f.endsWith('.c')).map((f) => join(repo, 'bridge', f));
  const out = join(tempDir('iommufd-bridge-'), 'iommufd-bridge-asan');
  const r = spawnSync(cc, [
    '-std=gnu11', '-O1', '-g', '-Wall', '-Wextra', '-Werror',
    '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer',
    '-o', out, ...sources,
  ], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cc} failed:\n${r.stdout}${r.stderr}`);
  return (built = out);
}

export type Json = Record<string, any>;

/** A running bridge: one line out, one reply in, in order. */
export class Bridge {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiting: { resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  private early: string[] = [];
  private closed = false;

  constructor(bin: string) {
    this.child = spawn(bin, [], {
      cwd: tempDir('iommufd-bridge-cwd-'),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' },
    });
    this.child.stdin.on('error', () => { /* a dead bridge shows up as a missing reply */ });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    const rl = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
    rl.on('line', (l) => {
      const w = this.waiting.shift();
      if (w) w.resolve(l); else this.early.push(l);
    });
    rl.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`the bridge closed its output\n${this.stderr}`));
    });
    this.exited = new Promise((res) => this.child.on('exit', (code, signal) => res({ code, signal })));
  }

  /** Writes one line (no newline inside) and resolves with the reply, parsed and schema-checked. */
  send(line: string | Buffer): Promise<Json> {
    const reply = new Promise<string>((resolve, reject) => {
      const e = this.early.shift();
      if (e !== undefined) resolve(e);
      else if (this.closed) reject(new Error(`the bridge closed its output\n${this.stderr}`));
      else this.waiting.push({ resolve, reject });
    });
    this.child.stdin.write(Buffer.concat([typeof line === 'string' ? Buffer.from(line) : line, Buffer.from('\n')]));
    return reply.then((text) => {
      const msg = JSON.parse(text);
      assertValidReply(msg, text);
      return msg;
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** A request that must be answered ok; returns ok. */
  async ok(req: Json): Promise<Json> {
    const r = await this.send(JSON.stringify(req));
    assert.equal(r.seq, req.seq);
    assert.ok(r.ok, `${JSON.stringify(req)} -> ${JSON.stringify(r)}`);
    return r.ok;
  }

  /** stop: the reply, then exit 0 with a clean stderr. */
  async stop(seq: number): Promise<void> {
    assert.deepEqual(await this.send(JSON.stringify({ seq, cmd: 'stop' })), { seq, ok: {} });
    this.child.stdin.end();
    const { code, signal } = await this.exited;
    assert.equal(signal, null, this.stderr);
    assert.equal(code, 0, this.stderr);
    assertCleanStderr(this.stderr);
  }
}

/** Against #/$defs/reply. V8's regular expressions overflow their stack on the
 *  schema's hex pattern for a string of megabytes, so a long bytes is checked
 *  here and validated in short. */
export function assertValidReply(msg: Json, text: string): void {
  let checked = msg;
  const bytes = msg?.ok?.bytes;
  if (typeof bytes === 'string' && bytes.length > 65536) {
    assert.ok(bytes.length % 2 === 0 && /^[0-9a-f]*$/.test(bytes), `reply bytes are not lowercase hex: ${text.slice(0, 200)}`);
    checked = { ...msg, ok: { ...msg.ok, bytes: bytes.slice(0, 2) } };
  }
  assert.ok(validReply(checked), `reply ${text.slice(0, 300)} breaks the schema: ${ajv.errorsText(validReply.errors)}`);
}

export function assertCleanStderr(stderr: string): void {
  assert.ok(!/AddressSanitizer|LeakSanitizer|runtime error/.test(stderr), `sanitizer report:\n${stderr}`);
}

