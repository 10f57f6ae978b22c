// Phone-side benchmarks of issue 2, in headless Chromium against the production build:
// - with 5,000 households (~16,000 members) stored through the app's own storage code:
//   median time to save one household, to read the list, and to search;
// - the app served by its service worker: time from navigation to the survey's first step ready
//   for input, and from tapping "add member" to the new member's fields being ready with 29
//   members, with no CPU throttling and with 4× throttling (CDP Emulation.setCPUThrottlingRate).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildServer } from '../src/server/app.js';
import { openServerDb } from '../src/server/db/connect.js';
import { launchBrowser } from '../tests/helpers/chromium.js';
import { autoPin } from '../tests/helpers/phone-pin.js';
import type { BenchRow } from './bench-row.js';

const HOUSEHOLDS = 5000;

function buildBenchPage(): void {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'bench/browser/vite.config.ts'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('bench page build failed');
}

async function storageRows(page: Page, origin: string, lock: boolean): Promise<BenchRow[]> {
  await page.goto(`${origin}/bench/index.html${lock ? '?lock=1' : ''}`);
  await page.waitForFunction(() => window.goCuaBench?.ready === true);
  const seeded = await page.evaluate((n) => window.goCuaBench.seed(n), HOUSEHOLDS);
  const saveMs = await page.evaluate(() => window.goCuaBench.timeSave(21));
  const list = await page.evaluate(() => window.goCuaBench.timeList(9));
  const search = await page.evaluate(() =>
    window.goCuaBench.timeSearch(['nguyen van', 'dung', 'ngo 12', 'tran thi', 'TDP03', 'hoang', 'le van', 'pham', 'do thi']),
  );
  const queries = ['nguyen van', 'dung', 'ngo 12', 'tran thi', 'TDP03', 'hoang', 'le van', 'pham', 'do thi'];
  const firstPage = await page.evaluate(() => window.goCuaBench.timeFirstPage(9));
  const warmSearch = await page.evaluate((qs) => window.goCuaBench.timeIndexSearch(qs), queries);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const build4x = await page.evaluate(() => window.goCuaBench.timeIndexBuild(5));
  const buildAfterSaves4x = await page.evaluate(() => window.goCuaBench.timeIndexBuild(5, 30));
  const buildWithoutPacks4x = await page.evaluate(() => window.goCuaBench.timeIndexBuildWithoutPacks(3));
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const note = `${seeded.households} households, ${seeded.members} members stored`;
  const tag = lock ? ', with the lock (encrypted at rest)' : '';
  const load = `load avg ${loadavg()[0]!.toFixed(2)}`;
  return [
    { name: `List first screen, 40 rows by the savedAt index (median)${tag}`, value: round(firstPage.ms), unit: 'ms', budget: '≤ 10 ms', ok: firstPage.ms <= 10, note: `${firstPage.rows} rows of ${seeded.households}; ${load}` },
    { name: `Build the in-memory search index, 4× CPU (median of 5)${tag}`, value: round(build4x.ms), unit: 'ms', budget: '≤ 500 ms', ok: build4x.ms <= 500, note: `${build4x.rows} households, from their packs; ${load}` },
    { name: `Build the index after 30 saves since the last build, 4× CPU (median of 5)${tag}`, value: round(buildAfterSaves4x.ms), unit: 'ms', budget: '≤ 500 ms', ok: buildAfterSaves4x.ms <= 500, note: `${buildAfterSaves4x.rows} households, stale buckets read row by row; ${load}` },
    { name: `Build the index without packs (once, after the update that adds them), 4× CPU (median of 3)${tag}`, value: round(buildWithoutPacks4x.ms), unit: 'ms', note: `${buildWithoutPacks4x.rows} households, every summary read row by row; ${load}` },
    { name: `Search, unaccented, warm index (median)${tag}`, value: round(warmSearch.ms), unit: 'ms', budget: '≤ 10 ms', ok: warmSearch.ms <= 10, note: `hits ${warmSearch.hits.join('/')}; ${load}` },
    { name: `Save one household (median)${tag}`, value: round(saveMs), unit: 'ms', budget: '≤ 50 ms', ok: saveMs <= 50, note: `${note}; ${load}` },
    { name: `Read the household list (median)${tag}`, value: round(list.ms), unit: 'ms', budget: '≤ 200 ms', ok: list.ms <= 200, note: `${list.rows} rows, through Dexie (the list screen uses the index instead); ${load}` },
    { name: `Search, diacritic-insensitive (median)${tag}`, value: round(search.ms), unit: 'ms', budget: '≤ 100 ms', ok: search.ms <= 100, note: `hits ${search.hits.join('/')}, through Dexie (the list screen uses the index instead); ${load}` },
  ];
}

const round = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Installed before any page script: notes when the survey's first field exists and is enabled,
// measured from navigation start (performance.now() is 0 at navigation).
const READY_OBSERVER = `
  window.__surveyReadyAt = undefined;
  new MutationObserver((_, obs) => {
    const el = document.querySelector('[data-testid="group-select"]');
    if (el && !el.disabled) { window.__surveyReadyAt = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true, attributes: true });
`;

// Taps "add member" and resolves with the time until the new member's editor has its fields.
// A string, not a function: tsx would wrap a function's inner closures in a helper that does
// not exist in the page.
const TIME_ADD_MEMBER = `new Promise((resolve) => {
  const before = document.querySelector('[data-testid="member-editor"]');
  const t0 = performance.now();
  let obs;
  const check = () => {
    const editor = document.querySelector('[data-testid="member-editor"]');
    if (editor && editor !== before && editor.querySelector('select, input')) {
      obs.disconnect();
      resolve(performance.now() - t0);
    }
  };
  obs = new MutationObserver(check);
  obs.observe(document.body, { childList: true, subtree: true });
  document.querySelector('[data-testid="add-member"]').click();
  check();
})`;

async function uiRows(page: Page, origin: string, throttle: number): Promise<BenchRow[]> {
  const cdp = await page.context().newCDPSession(page);
  // Drafts with 29 members are written by the bench page before the service worker exists
  // (once it controls the origin, every navigation is answered with the app shell).
  await page.goto(`${origin}/bench/index.html`);
  await page.waitForFunction(() => window.goCuaBench?.ready === true);
  const draftIds: string[] = [];
  for (let i = 0; i < 5; i++) draftIds.push(await page.evaluate(() => window.goCuaBench.seedLargeDraft(29)));
  // The app must be served by its service worker, as on a phone after the first visit.
  // With registerType 'prompt' the first visit installs the worker without claiming the page;
  // the next load is served by it.
  await page.goto(`${origin}/`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  const label = throttle === 1 ? 'no throttling' : `${throttle}× CPU throttling`;

  const navTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    // A fresh document each time (a hash change alone would not load the app again).
    await page.goto('about:blank');
    await page.goto(`${origin}/#/survey/${crypto.randomUUID()}`);
    await page.waitForFunction(() => (window as unknown as { __surveyReadyAt?: number }).__surveyReadyAt !== undefined);
    navTimes.push(await page.evaluate(() => (window as unknown as { __surveyReadyAt: number }).__surveyReadyAt));
  }

  const addTimes: number[] = [];
  for (const draftId of draftIds) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await page.goto('about:blank');
    await page.goto(`${origin}/#/survey/${draftId}`);
    await page.waitForSelector('[data-testid="add-member"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="member-row"]').length === 29);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    addTimes.push(await page.evaluate<number>(TIME_ADD_MEMBER));
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const nav = median(navTimes);
  const add = median(addTimes);
  const navBudget = throttle === 1 ? 400 : 1300;
  const addBudget = throttle === 1 ? 20 : 75;
  return [
    { name: `Navigation → survey first step ready (${label})`, value: round(nav), unit: 'ms', budget: `≤ ${navBudget} ms`, ok: nav <= navBudget, note: 'median of 7, served by the service worker; lock on: includes the PIN unlock' },
    { name: `Tap "add member" → fields ready, 29 members (${label})`, value: round(add), unit: 'ms', budget: `≤ ${addBudget} ms`, ok: add <= addBudget, note: 'median of 5' },
  ];
}

export async function run(): Promise<BenchRow[]> {
  buildBenchPage();
  const root = mkdtempSync(path.join(tmpdir(), 'go-cua-bench-'));
  cpSync('dist', root, { recursive: true });
  cpSync('dist-bench', path.join(root, 'bench'), { recursive: true });
  const db = await openServerDb({ dataDir: path.join(root, 'data') });
  const server = await buildServer({ db, staticRoot: root });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchBrowser();
  try {
    const rows: BenchRow[] = [];
    for (const lock of [false, true]) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
      rows.push(...(await storageRows(await context.newPage(), origin, lock)));
      await context.close();
    }
    // BENCH_STORAGE_ONLY=1: the storage rows alone (list, index, search), without the UI rows.
    for (const throttle of process.env.BENCH_STORAGE_ONLY ? [] : [1, 4]) {
      const uiContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
      // The lock is on: every navigation meets the PIN screen, which autoPin answers at once, so
      // "navigation → survey ready" includes the unlock (PBKDF2, 600,000 iterations).
      await autoPin(uiContext);
      await uiContext.addInitScript(READY_OBSERVER);
      rows.push(...(await uiRows(await uiContext.newPage(), origin, throttle)));
      await uiContext.close();
    }
    return rows;
  } finally {
    await browser.close();
    await server.close();
    await db.close();
    rmSync(root, { recursive: true, force: true });
  }
}
