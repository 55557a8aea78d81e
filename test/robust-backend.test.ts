// The run's robustness against broken backends and typing mistakes (issue 9):
// a backend that writes without end, names and programs that cannot start, a
// backend that hangs after start, two runs into one reports folder, unknown
// rule ids, a missing expectations file, and signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'iommufd-conform.mjs');
const objects = join(root, 'features/objects.feature');
const stuck = (pidFile: string) => `cmd:${process.execPath} ${join(root, 'test/fixtures/stuck-backend.mjs')} ${pidFile}`;

function run(args: string[], reports = tempDir('iommufd-robust-')) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, 'run', '--format', 'summary', '--reports', reports, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const file = join(reports, 'conformance.json');
  return {
    status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t, reports,
    report: existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined,
  };
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
/** Whether pid is gone within a few seconds (an orphan is reaped by init, not at once). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

test('a line splitter bounds its lines: an overlong line is reported once and ends the reading', async () => {
  const { MAX_LINE, onLines } = await import('../harness/backend/lines.ts');
  const input = new PassThrough();
  const lines: string[] = [];
  const over: number[] = [];
  onLines(input, (l) => lines.push(l), { maxLine: 10, onOverlong: (n) => over.push(n) });
  input.write('short\nabc');
  input.write('defghij');
  input.write('klm\nnext\n');
  assert.deepEqual(lines, ['short']);
  assert.equal(over.length, 1);
  assert.ok(over[0]! > 10);
  assert.ok(MAX_LINE > 32 * 1024 * 1024, 'room for the largest hex buffer of the protocol');
});

test('a backend that writes without a newline (cat /dev/zero) errors its scenarios with the reason, and the report is written', () => {
  const { status, report } = run(['--backend', 'cmd:cat /dev/zero', objects]);
  assert.equal(status, 1);
  assert.ok(report, 'conformance.json written');
  assert.ok(report.scenarios.length > 5);
  for (const s of report.scenarios) {
    assert.equal(s.status, 'errored');
    assert.match(s.message, /backend cat \/dev\/zero broke the protocol: it wrote a line longer than \d+ characters/);
  }
});

test('serve fed an endless line answers with an errored reply and ends', () => {
  const r = spawnSync('sh', ['-c', `head -c 40000000 /dev/zero | "${process.execPath}" "${cli}" serve`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  const reply = JSON.parse(r.stdout.trim());
  assert.equal(reply.seq, 0);
  assert.match(reply.errored.message, /protocol error: the request is a line longer than/);
});

for (const [name, why] of [
  ['refrence', /^unknown backend 'refrence'; did you mean 'reference'\? \(known: reference, /],
  ['kernel-9.9', /^no kernel backend for Linux 9\.9 \(known: kernel-7\.3, kernel-6\.12\)$/],
  ['cmd:', /^cmd: needs a program to run/],
  ['cmd:/nonexistent/iommufd-backend', /^backend \/nonexistent\/iommufd-backend could not start \/nonexistent\/iommufd-backend: spawn .* ENOENT$/],
  [`cmd:${process.execPath} /nonexistent/backend.js`, /exited with code 1 before answering start \(stderr: Error: Cannot find module/],
] as const) {
  test(`--backend ${name.replace(process.execPath, 'node')} is one line and exit 2, before any scenario`, () => {
    const { status, stdout, stderr, ms, report } = run(['--backend', name, objects]);
    assert.equal(status, 2, stdout + stderr);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr.trim(), why);
    assert.equal(stdout, '', 'no scenario ran');
    assert.equal(report, undefined, 'no report claims failures');
    // Refused before the TypeScript loader: about 0.2 s of which most is starting node (2 s: a shared machine).
    if (name === 'refrence') assert.ok(ms < 2000, `${ms} ms`);
  });
}

test('a backend that hangs after start is given up on after three scenarios, every other scenario errored at once with the reason', async () => {
  const pids = join(tempDir('iommufd-pids-'), 'pids');
  const { status, report, ms } = run(['--backend', stuck(pids), '--timeout', '500', objects]);
  assert.equal(status, 1);
  const msgs: string[] = report.scenarios.map((s: { status: string; message: string }) => { assert.equal(s.status, 'errored'); return s.message; });
  assert.equal(msgs.length, 11);
  for (const m of msgs.slice(0, 3)) assert.match(m, /did not answer reset within 500 ms[\s\S]*stuck-backend: stuck on reset/);
  for (const m of msgs.slice(3)) assert.match(m, /^BackendError: not run: gave up on backend cmd:\S+ \S+stuck-backend.mjs \S+ after it was lost in 3 scenarios in a row; the last time: backend did not answer reset within 500 ms/);
  assert.ok(ms < 60_000, `${ms} ms`);
  const started = readFileSync(pids, 'utf8').trim().split('\n');
  assert.equal(started.length, 3, 'three backends were started, no more');
  for (const pid of started.flatMap((l) => l.split(' ').map(Number))) assert.ok(await gone(pid), `process ${pid} was killed`);
});

test('a run into a reports folder another live run holds refuses with one line; a stale lock is taken over; the files are whole', () => {
  const reports = tempDir('iommufd-lock-');
  writeFileSync(join(reports, '.conformance.lock'), JSON.stringify({ pid: process.pid, startedAt: 'now' }));
  const busy = run(['--tags', '@OBJECTS.ID.NONZERO', objects], reports);
  assert.equal(busy.status, 2, busy.stdout + busy.stderr);
  assert.match(busy.stderr.trim(), new RegExp(`^.* is in use by another run \\(pid ${process.pid}, since now\\); wait for it to end, or give this run its own --reports DIR$`));
  assert.equal(busy.report, undefined);
  // A lock left by a process that is gone.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(reports, '.conformance.lock'), JSON.stringify({ pid: Number(dead), startedAt: 'then' }));
  const ok = run([objects], reports);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.ok(ok.report.scenarios.length > 5);
  assert.deepEqual(readdirSync(reports).sort(), ['badge-reference.svg', 'conformance.html', 'conformance.json', 'junit.xml', 'messages.ndjson', 'report.html', 'rules.html', 'summary.md'], 'no lock and no temporary file left');
});

test('two runs at once into one reports folder: the second refuses, the first writes its report', async () => {
  const reports = tempDir('iommufd-two-');
  const first = spawn(process.execPath, [cli, 'run', '--format', 'summary', '--reports', reports, '--backend', stuck(''), '--timeout', '3000', objects], { cwd: root, stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => first.on('exit', r));
  for (let i = 0; i < 400 && !existsSync(join(reports, '.conformance.lock')); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(join(reports, '.conformance.lock')), 'the first run holds the folder');
  const second = run([objects], reports);
  assert.equal(second.status, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`in use by another run \\(pid ${first.pid},`));
  assert.equal(await exited, 1);
  const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
  assert.equal(report.backend, stuck(''));
});

test('a scenario tagged with an unknown rule id is errored, naming file:line and the id, and the report does not list the id', () => {
  const dir = tempDir('iommufd-bogus-');
  const feature = join(dir, 'bogus.feature');
  writeFileSync(feature, 'Feature: bogus\n\n  @NO_SUCH.RULE @OBJECTS.ID.NONZERO\n  Scenario: tagged with a rule that does not exist\n    Given an open iommufd\n\n  @OBJECTS.ID.NONZERO\n  Scenario: tagged properly\n    Given an open iommufd\n');
  const { status, report } = run([feature]);
  assert.equal(status, 1);
  const [bogus, proper] = report.scenarios;
  assert.equal(bogus.status, 'errored');
  assert.match(bogus.message, /bogus\.feature:3: unknown rule id NO_SUCH\.RULE/);
  assert.deepEqual(bogus.rules, ['OBJECTS.ID.NONZERO']);
  assert.equal(proper.status, 'passed');
});

test('a missing --expectations file is one line and exit 2, before any scenario', () => {
  const { status, stdout, stderr, report } = run(['--expectations', '/nonexistent/expectations.json', objects]);
  assert.equal(status, 2);
  assert.equal(stderr.trim(), 'iommufd-conform run: --expectations /nonexistent/expectations.json: no such file');
  assert.equal(stdout, '');
  assert.equal(report, undefined);
});

for (const [signal, code, word] of [['SIGTERM', 143, 'terminated'], ['SIGINT', 130, 'interrupted']] as const) {
  test(`${signal} to the harness alone writes the partial report and kills a backend that ignores its input and signals, with its child`, async () => {
    const reports = tempDir('iommufd-sig-');
    const pids = join(tempDir('iommufd-sigpids-'), 'pids');
    const child = spawn(process.execPath, [cli, 'run', '--format', 'summary', '--reports', reports, '--backend', stuck(pids), '--timeout', '60000', objects], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    for (let i = 0; i < 600 && !existsSync(pids); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill(signal);
    assert.equal(await exited, code, out);
    assert.match(out, new RegExp(`${word}: partial report written`));
    const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
    assert.equal(report.scenarios.length, 0, 'the first scenario was still running');
    assert.equal(report.interrupted, signal);
    const [backend, grandchild] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    assert.ok(await gone(backend!), 'the backend is gone');
    assert.ok(await gone(grandchild!), "the backend's child is gone");
    assert.ok(!existsSync(join(reports, '.conformance.lock')));
  });
}

test('serve on a broken spec/ prints each problem as file:line: message, without a stack, and exits non-zero', () => {
  const copy = tempDir('iommufd-brokenspec-');
  for (const d of ['bin', 'harness', 'reference', 'spec']) cpSync(join(root, d), join(copy, d), { recursive: true });
  cpSync(join(root, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const file = join(copy, 'spec/uapi/iommufd-ioas.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"size"', '"siz"'));
  const r = spawnSync(process.execPath, [join(copy, 'bin/iommufd-conform.mjs'), 'serve'], { cwd: copy, encoding: 'utf8', input: '{"seq":1,"cmd":"start","version":1}\n', timeout: 120_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length >= 1 && lines.length <= 4, r.stderr);
  for (const l of lines) assert.match(l, /^spec\/uapi\/iommufd-ioas\.json:\d+: \/structs\/iommu_destroy must /);
});

test('serve answers an unknown command with an errored reply naming it and the known commands, a malformed one with its own problem', () => {
  const r = spawnSync(process.execPath, [cli, 'serve'], { cwd: root, encoding: 'utf8', input: '{"seq":1,"cmd":"start","version":1}\n{"seq":2,"cmd":"frobnicate"}\n{"seq":3,"cmd":"open"}\n{"seq":4,"cmd":"stop"}\n', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(replies[1].seq, 2);
  assert.match(replies[1].errored.message, /^unknown command 'frobnicate' \(known: start, reset, stop, open, close, ioctl, .*exitChild(?:, \w+)*\)$/);
  // A known command with a wrong shape is told what its own shape lacks, not another command's.
  assert.deepEqual(replies[2], { seq: 3, errored: { message: "not a valid request: open: / must have required property 'path'" } });
  assert.deepEqual(replies[3], { seq: 4, ok: {} });
});
