// Wall time of the whole suite in-process versus through the wire protocol
// (`serve` + the process backend), alternating runs so that machine noise
// hits both alike. Run: npm run bench:protocol [-- RUNS [SERVER-COMMAND]]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../spec/loader/root.ts';

const runs = Number(process.argv[2] ?? 10);
const reports = mkdtempSync(join(tmpdir(), 'iommufd-bench-'));
const cli = join(PROJECT_ROOT, 'bin', 'iommufd-conform.mjs');
const variants = {
  'in-process': ['--backend', 'reference'],
  'serve + cmd': ['--backend', `cmd:${process.argv[3] ?? `node ${cli} serve`}`],
};

function once(args: string[]): number {
  const t = performance.now();
  const r = spawnSync('node', [cli, 'run', '--format', 'summary', '--reports', reports, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`run ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return performance.now() - t;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(variants)) times[k]!.push(once(args));
for (const [k, xs] of Object.entries(times)) console.log(`${k.padEnd(12)} median ${median(xs).toFixed(0)} ms, mean ${mean(xs).toFixed(0)} ms over ${xs.length} runs`);
const [a, b] = Object.values(times) as [number[], number[]];
console.log(`ratio (serve + cmd / in-process): median ${(median(b) / median(a)).toFixed(2)}, mean ${(mean(b) / mean(a)).toFixed(2)}`);
