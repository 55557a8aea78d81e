// The report page in a real browser: Debian's chromium (installed by
// tools/browser/install-chromium.sh, never downloaded through playwright)
// driven by playwright-core loads the combined report of three backends
// offline, reads the matrix, applies filters, checks that the matrix needs no
// JavaScript, and keeps a screenshot in reports/ as a CI artefact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeRuns, root } from './report-runs.ts';

const executablePath = execFileSync('bash', [join(root, 'tools/browser/install-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const runs = makeRuns();
const url = pathToFileURL(join(runs.all, 'report.html')).href;
const shots = join(root, 'reports');
mkdirSync(shots, { recursive: true });

async function withPage(js: boolean, f: (p: Page, requests: string[]) => Promise<void>): Promise<void> {
  const browser: Browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    ctx.on('request', (r) => requests.push(r.url()));
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await f(page, requests);
    assert.deepEqual(errors, [], 'no script error');
  } finally { await browser.close(); }
}

const visibleRules = (p: Page) => p.$$eval('#matrix tr.rule', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).map((r) => r.querySelector('td.id a')!.textContent!));

test('the matrix reads rule x backend, filters by status, backend, area and text, and the page loads nothing from the network', async () => {
  await withPage(true, async (p, requests) => {
    const heads = await p.$$eval('#matrix thead th', (th) => th.map((x) => x.textContent));
    assert.deepEqual(heads, ['rule', 'level', 'reference', 'reference-notest', 'cmd:wrong-errno-backend 0x3b87', 'statement']);
    const cells = await p.$$eval('#matrix tr.rule', (rows) => Object.fromEntries(rows.map((r) => [r.querySelector('td.id a')!.textContent, [...r.querySelectorAll('td.c')].map((c) => c.textContent)])));
    assert.deepEqual(cells['OPTION.RESERVED.NONZERO'], ['passed', 'passed', 'failed']);
    assert.deepEqual(cells['OPTION.HUGE_PAGES.DOMAIN_MAPPED'], ['passed', 'not applicable', 'failed']);
    const all = (await visibleRules(p)).length;
    assert.ok(all > 300, `${all} rules`);

    await p.selectOption('#f-status', 'failed');
    const failing = await visibleRules(p);
    assert.ok(failing.length >= 10 && failing.every((id) => id.startsWith('OPTION.')), failing.join(' '));
    assert.match(await p.textContent('#f-count') ?? '', new RegExp(`^${failing.length} of ${all} rules$`));
    await p.selectOption('#f-backend', '0');
    assert.deepEqual(await visibleRules(p), [], 'nothing fails on the reference engine');
    await p.selectOption('#f-backend', '');
    await p.fill('#f-text', 'reserved');
    assert.deepEqual(await visibleRules(p), ['OPTION.RESERVED.NONZERO']);
    await p.fill('#f-text', '');
    await p.selectOption('#f-status', 'not-applicable');
    await p.selectOption('#f-area', 'option');
    assert.deepEqual(await visibleRules(p), ['OPTION.HUGE_PAGES.DOMAIN_MAPPED']);
    await p.selectOption('#f-status', '');
    assert.equal((await visibleRules(p)).length, 17);
    await p.locator('#matrix').scrollIntoViewIfNeeded();
    await p.evaluate(() => document.getElementById('filters')!.scrollIntoView());
    await p.screenshot({ path: join(shots, 'report-browser.png') });

    // The rule's own section: statement, source, Gherkin, the failing step and errno per backend.
    await p.click('a[href="#rule-OPTION.RESERVED.NONZERO"]');
    const detail = p.locator('#rule-OPTION\\.RESERVED\\.NONZERO');
    await detail.evaluate((d) => { (d as HTMLDetailsElement).open = true; });
    const text = await detail.innerText();
    for (const want of ['IOMMU_OPTION refuses a non-zero __reserved field.', 'include/uapi/linux/iommufd.h', 'Linux 6.2', 'When I call IOMMU_OPTION with:', '| __reserved', 'features/option.feature:17', 'expected EOPNOTSUPP, observed EINVAL']) assert.ok(text.includes(want), want);
    await p.screenshot({ path: join(shots, 'report-browser-rule.png') });
    assert.match(await p.textContent('#findings') ?? '', /Findings: where the kernel differs from its own documentation \(\d+\)/);
    assert.equal(await p.locator('#badges svg').count(), 3);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no request leaves the file');
  });
});

test('without JavaScript the whole matrix is there and readable, the filter form hidden', async () => {
  await withPage(false, async (p) => {
    assert.ok((await visibleRules(p)).length > 300);
    assert.equal(await p.isVisible('#filters'), false);
    assert.equal(await p.textContent('#matrix tr.rule:has(a[href="#rule-OPTION.RESERVED.NONZERO"]) td.c:nth-of-type(5)'), 'failed');
  });
});

test('the rule catalog is browsable by area, each rule with its scenarios and their status per backend', async () => {
  await withPage(true, async (p) => {
    await p.goto(pathToFileURL(join(runs.all, 'rules.html')).href);
    const areas = await p.$$eval('section > h2', (h) => h.map((x) => x.textContent));
    assert.ok(areas.includes('option') && areas.includes('ioas'), areas.join(' '));
    const rule = await p.locator('#rule-OPTION\\.HUGE_PAGES\\.DOMAIN_MAPPED').innerText();
    for (const want of ['HUGE_PAGES cannot be set to 0', 'since', 'features/option.feature:264', 'not applicable', 'failed']) assert.ok(rule.includes(want), want);
  });
});
