// The console of a run when no cucumber formatter is asked for: progress
// (scenarios done of total, failures so far, elapsed) on one redrawn line on
// a terminal, plain lines otherwise; each failure as it happens with its
// file:line, the failing step, the errno expected and observed and the
// statement of its rules. Skipped and not-applicable scenarios are counted,
// never shown as failures.
import type { Envelope } from '@cucumber/messages';
import type { Rule } from '../rules/catalog.ts';
import type { ScenarioRecord } from './conformance.ts';
import { applyExpectations, type Expectation } from './expectations.ts';

export interface ConsoleOut { write(s: string): unknown; isTTY?: boolean; columns?: number }

const BAD = new Set(['failed', 'errored', 'unexpected-pass', 'undefined', 'ambiguous', 'pending', 'unknown']);

const clock = (ms: number) => { const s = Math.floor(ms / 1000); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`; };

export function failureLines(r: ScenarioRecord, rules: ReadonlyMap<string, Rule>): string[] {
  const f = r.failure;
  const out = [`${r.status.toUpperCase()} ${r.location} ${r.name}`];
  if (f) {
    out.push(`    step: ${f.stepLocation} ${f.step}`);
    if (f.expectedErrno || f.observedErrno) out.push(`    errno: expected ${f.expectedErrno ?? 'success'}, observed ${f.observedErrno ?? 'success'}`);
  }
  for (const line of (f?.message ?? r.message ?? '').split('\n').slice(0, 6)) if (line.trim()) out.push(`    ${line}`);
  for (const id of r.rules) { const rule = rules.get(id); if (rule) out.push(`    rule ${id}: ${rule.statement}`); }
  return out;
}

export class ConsoleProgress {
  private total = 0;
  private done = 0;
  private failed: ScenarioRecord[] = [];
  private readonly start = Date.now();
  private timer?: NodeJS.Timeout;
  private lastLine = 0;
  private drawn = false;

  constructor(private readonly rules: ReadonlyMap<string, Rule>, private readonly expectations: Expectation[], private readonly out: ConsoleOut = process.stdout) {
    if (this.tty) this.timer = setInterval(() => this.draw(), 250).unref();
  }

  private get tty(): boolean { return !!this.out.isTTY && process.env.TERM !== 'dumb'; }

  onMessage = (e: Envelope): void => {
    if (e.testCase) this.total++;
  };

  onRecord = (r: ScenarioRecord): void => {
    this.done++;
    applyExpectations([r], this.expectations);
    if (BAD.has(r.status)) {
      this.failed.push(r);
      this.clear();
      const [head, ...rest] = failureLines(r, this.rules);
      this.out.write(`${this.tty ? `\x1b[31m${head}\x1b[0m` : head}\n${rest.map((l) => `${l}\n`).join('')}`);
    }
    if (this.tty) this.draw();
    else if (this.done === this.total || this.done - this.lastLine >= Math.max(25, Math.ceil(this.total / 10))) {
      this.lastLine = this.done;
      this.out.write(`${this.status()}\n`);
    }
  };

  private status(): string {
    return `${this.done}/${this.total} scenarios, ${this.failed.length} failed, ${clock(Date.now() - this.start)} elapsed`;
  }

  private clear(): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(): void {
    if (!this.total) return;
    const width = 24;
    const full = Math.round((this.done / this.total) * width);
    this.out.write(`\r\x1b[K[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${this.status()}`);
    this.drawn = true;
  }

  /** Ends the progress line; the failures again, in short, when there were any. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) { this.draw(); this.out.write('\n'); }
    if (!this.failed.length) return;
    this.out.write(`\n${this.failed.length} failing scenario${this.failed.length === 1 ? '' : 's'}:\n`);
    for (const r of this.failed.slice(0, 50)) {
      const f = r.failure;
      const errno = f && (f.expectedErrno || f.observedErrno) ? ` (expected ${f.expectedErrno ?? 'success'}, observed ${f.observedErrno ?? 'success'})` : '';
      this.out.write(`  ${r.location} ${r.name}${f ? `: ${f.stepLocation}${errno}` : ''}\n`);
    }
    if (this.failed.length > 50) this.out.write(`  ... and ${this.failed.length - 50} more (see summary.md)\n`);
  }
}
