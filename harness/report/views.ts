// Every view of the results, rendered from kept message streams and from
// nothing else: per run conformance.json, junit.xml, summary.md, cucumber's
// page (conformance.html), our report (report.html), the rule catalog
// (rules.html) and a badge per backend; over several runs, the combined
// matrix (report.html, rules.html, summary.md, badges).
import { createWriteStream, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Envelope } from '@cucumber/messages';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import type { Rule } from '../rules/catalog.ts';
import { tempName, writeAtomic } from './files.ts';
import { buildMatrix, score, type Matrix } from './matrix.ts';
import { junitXml } from './junit.ts';
import { markdownSummary } from './markdown.ts';
import { reportPage } from './html/page.ts';
import { badgeSvg } from './html/badge.ts';
import { catalogPage } from './catalog-html.ts';
import { resultsOf, type RunResults } from './results.ts';

export const VIEW_FILES = ['conformance.json', 'junit.xml', 'summary.md', 'conformance.html', 'report.html', 'rules.html'];

export const badgeName = (backend: string) => `badge-${backend.replace(/[^A-Za-z0-9._-]+/g, '_')}.svg`;

/** cucumber's own HTML page of the stream, written whole or not at all. */
export async function writeCucumberHtml(path: string, envelopes: readonly Envelope[]): Promise<void> {
  const tmp = tempName(path);
  await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(tmp));
  renameSync(tmp, path);
}

/** The pages and badges of a matrix (one run or several). */
export function writeMatrixViews(dir: string, m: Matrix): void {
  writeAtomic(join(dir, 'report.html'), reportPage(m));
  writeAtomic(join(dir, 'rules.html'), catalogPage(m));
  writeAtomic(join(dir, 'summary.md'), markdownSummary(m));
  m.backends.forEach((b, i) => writeAtomic(join(dir, badgeName(b)), `${badgeSvg(b, score(m.rows, i))}\n`));
}

/** Every view of one run but cucumber's page, written at once (what an interrupted run can still afford). */
export function writeRunViewsSync(dir: string, envelopes: readonly Envelope[], rules: ReadonlyMap<string, Rule>): RunResults {
  const results = resultsOf(envelopes, rules);
  writeAtomic(join(dir, 'conformance.json'), `${JSON.stringify(results.report, null, 2)}\n`);
  writeAtomic(join(dir, 'junit.xml'), junitXml(results.report));
  writeMatrixViews(dir, buildMatrix([results], rules));
  return results;
}

/** Every view of one run into dir; returns the run's results. */
export async function writeRunViews(dir: string, envelopes: readonly Envelope[], rules: ReadonlyMap<string, Rule>): Promise<RunResults> {
  const results = writeRunViewsSync(dir, envelopes, rules);
  await writeCucumberHtml(join(dir, 'conformance.html'), envelopes);
  return results;
}
