// Cold and warm start as a volunteer meets them (issue 13): a new browser context (empty cache,
// no service worker) opens `/`, taps "Khảo sát hộ mới" as soon as it is on screen, and the
// clock stops when the first question of the new household (the group select) is visible and
// accepts input. Measured at 1× and 4× CPU (CDP Emulation.setCPUThrottlingRate), and at 4× over
// a slow link (CDP Network.emulateNetworkConditions, 400 kbit/s, 400 ms per request). Bytes on
// the wire: the document, scripts, stylesheets and fonts whose response ended before that moment
// (CDP's encodedDataLength: headers and body as received). Warm start: the app served by its
// service worker, navigation → Home ready (its counts read from IndexedDB) at 4× CPU.
// Every scenario runs RUNS times, interleaved (one of each, then again), and the median is
// reported with the machine's load average, since 8 processes may share this machine's 2 cores.
//
// BENCH_DIST=path measures another build (the "before" figures came from main's untouched build),
// BENCH_RUNS=n changes the number of runs (default 7); BENCH_VERBOSE=1 lists the files counted.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildServer } from '../src/server/app.js';
import { openServerDb } from '../src/server/db/connect.js';
import { launchBrowser } from '../tests/helpers/chromium.js';
import type { BenchRow } from './bench-row.js';

export const BUDGETS = { wireKb: 120, cold1xMs: 250, cold4xMs: 650, slowLinkMs: 5000, warm4xMs: 400 } as const;
const SLOW_LINK = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };

interface ColdResult {
  readyAt: number;
  tapAt: number;
  files: number;
  compressed: number;
  transfer: number;
  encoded: number;
  decoded: number;
  swBefore: boolean;
  /** Path, bytes on the wire, bytes decoded: for BENCH_VERBOSE=1. */
  list: [string, number, number][];
}

// Installed before any page script, as a string (tsx would wrap inner closures of a function in
// a helper the page lacks). Taps "new survey" the moment it exists (a prerendered link works
// before the app starts; a button rendered by React has its handler), then waits for the first
// question. `window.__cold` resolves with the timings and the bytes received before it.
const COLD_OBSERVER = `
(() => {
  let resolve;
  window.__cold = new Promise((r) => (resolve = r));
  let tapAt;
  let swBefore = false;
  if (navigator.serviceWorker) {
    const register = navigator.serviceWorker.register.bind(navigator.serviceWorker);
    navigator.serviceWorker.register = (...args) => { if (!window.__readyAt) swBefore = true; return register(...args); };
  }
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const check = (obs) => {
    if (tapAt === undefined) {
      const button = document.querySelector('[data-testid="new-survey"]');
      if (button && visible(button)) { tapAt = performance.now(); button.click(); }
      return;
    }
    if (!location.hash.startsWith('#/survey/')) return;
    const q = document.querySelector('[data-testid="group-select"]');
    if (!q || q.disabled || !visible(q)) return;
    const readyAt = performance.now();
    window.__readyAt = readyAt;
    obs.disconnect();
    const kinds = /\\.(?:m?js|css|woff2?|ttf|otf)(?:\\?|$)/;
    const entries = [
      ...performance.getEntriesByType('navigation'),
      ...performance.getEntriesByType('resource').filter((e) => kinds.test(new URL(e.name).pathname)),
    ].filter((e) => e.responseEnd > 0 && e.responseEnd <= readyAt);
    const sum = (k) => entries.reduce((s, e) => s + e[k], 0);
    resolve({
      readyAt, tapAt, files: entries.length,
      compressed: entries.filter((e) => e.encodedBodySize < e.decodedBodySize).length,
      transfer: sum('transferSize'), encoded: sum('encodedBodySize'), decoded: sum('decodedBodySize'),
      swBefore,
      list: entries.map((e) => [new URL(e.name).pathname, e.transferSize, e.decodedBodySize]),
    });
  };
  const obs = new MutationObserver(() => check(obs));
  obs.observe(document, { childList: true, subtree: true, attributes: true });
  addEventListener('hashchange', () => check(obs));
})();
`;

// Home is ready when its counts have been read from IndexedDB (so the app runs, not only its
// prerendered markup).
const HOME_OBSERVER = `
(() => {
  let resolve;
  window.__home = new Promise((r) => (resolve = r));
  const obs = new MutationObserver(() => {
    const today = document.querySelector('[data-testid="count-today"]');
    if (today && /^\\d+$/.test(today.textContent.trim())) { obs.disconnect(); resolve(performance.now()); }
  });
  obs.observe(document, { childList: true, subtree: true, characterData: true });
})();
`;

async function coldOnce(browser: Browser, origin: string, cpu: number, slow: boolean): Promise<ColdResult> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  try {
    await context.addInitScript(COLD_OBSERVER);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    await cdp.send('Network.enable');
    // Empty cache for certain (a new context has one; this also keeps Chromium from reusing any).
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    if (slow) await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
    // Bytes as received, headers included (Resource Timing's transferSize counts a flat 300
    // bytes for the headers): CDP's encodedDataLength per finished request, on the monotonic clock.
    const sent = new Map<string, { url: string; at: number }>();
    const finished = new Map<string, { bytes: number; at: number }>();
    cdp.on('Network.requestWillBeSent', (e) => sent.set(e.requestId, { url: e.request.url, at: e.timestamp }));
    cdp.on('Network.loadingFinished', (e) => finished.set(e.requestId, { bytes: e.encodedDataLength, at: e.timestamp }));
    await page.goto(`${origin}/`, { waitUntil: 'commit', timeout: 60_000 });
    const result = (await page.evaluate('window.__cold', undefined)) as ColdResult;
    const doc = [...sent.values()].find((r) => r.url === `${origin}/`);
    if (doc) {
      const readyMono = doc.at + result.readyAt / 1000;
      const counted = new Set(result.list.map(([file]) => file));
      let bytes = 0;
      for (const [id, f] of finished) {
        const r = sent.get(id);
        if (r && f.at <= readyMono + 0.001 && counted.has(new URL(r.url).pathname)) bytes += f.bytes;
      }
      result.transfer = bytes;
    }
    return result;
  } finally {
    await context.close();
  }
}

async function warmOnce(browser: Browser, origin: string, cpu: number): Promise<number> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  try {
    await context.addInitScript(HOME_OBSERVER);
    const page = await context.newPage();
    // The first visit installs the service worker (its precache filled); it then controls the origin.
    await page.goto(`${origin}/`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, { polling: 100, timeout: 60_000 });
    // One warm-up load (compiled code cached, as on a phone used yesterday), then the measured one.
    await page.goto('about:blank');
    await page.goto(`${origin}/`);
    await page.evaluate('window.__home');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    await page.goto('about:blank');
    await page.goto(`${origin}/`, { waitUntil: 'commit' });
    const at = (await page.evaluate('window.__home')) as number;
    const served = await page.evaluate(() => navigator.serviceWorker.controller != null);
    if (!served) throw new Error('warm start was not served by the service worker');
    return at;
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => Math.round(x);
const load = () => loadavg()[0]!.toFixed(2);

export async function run(): Promise<BenchRow[]> {
  const dist = process.env.BENCH_DIST ?? 'dist';
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const root = mkdtempSync(path.join(tmpdir(), 'go-cua-cold-'));
  cpSync(dist, path.join(root, 'dist'), { recursive: true });
  const db = await openServerDb({ dataDir: path.join(root, 'data') });
  const server = await buildServer({ db, staticRoot: path.join(root, 'dist'), syncWorkers: 0 });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchBrowser();
  const cold1: ColdResult[] = [];
  const cold4: ColdResult[] = [];
  const slow1: ColdResult[] = [];
  const slow4: ColdResult[] = [];
  const warm4: number[] = [];
  const loads: string[] = [load()];
  try {
    for (let i = 0; i < runs; i++) {
      cold1.push(await coldOnce(browser, origin, 1, false));
      cold4.push(await coldOnce(browser, origin, 4, false));
      slow1.push(await coldOnce(browser, origin, 1, true));
      slow4.push(await coldOnce(browser, origin, 4, true));
      warm4.push(await warmOnce(browser, origin, 4));
      loads.push(load());
    }
  } finally {
    await browser.close();
    await server.close();
    await db.close();
    rmSync(root, { recursive: true, force: true });
  }
  if (process.env.BENCH_VERBOSE) for (const [file, wire, decoded] of cold1[0]!.list) console.error(`  ${file}  ${wire} B on the wire, ${decoded} B decoded`);
  const loadNote = `load avg ${loads[0]}→${loads.at(-1)} (max ${Math.max(...loads.map(Number)).toFixed(2)})`;
  const wire = median(cold1.map((r) => r.transfer)) / 1024;
  const sample = cold1[0]!;
  const swEarly = [...cold1, ...cold4, ...slow1, ...slow4].filter((r) => r.swBefore).length;
  const row = (name: string, xs: ColdResult[], budget?: number): BenchRow => {
    const v = median(xs.map((r) => r.readyAt));
    return {
      name,
      value: ms(v),
      unit: 'ms',
      ...(budget === undefined ? {} : { budget: `≤ ${budget} ms`, ok: v <= budget }),
      note: `median of ${xs.length}; tap at ${ms(median(xs.map((r) => r.tapAt)))} ms; ${loadNote}`,
    };
  };
  return [
    {
      name: 'Bytes on the wire before the first question',
      value: Number(wire.toFixed(1)),
      unit: 'KB',
      budget: `≤ ${BUDGETS.wireKb} KB`,
      ok: wire <= BUDGETS.wireKb,
      note: `${sample.files} files (document, JS, CSS, fonts), ${sample.compressed} compressed; ${(sample.decoded / 1024).toFixed(0)} KB once decompressed; service worker registered before it in ${swEarly} of ${cold1.length + cold4.length + slow1.length + slow4.length} runs`,
    },
    row('Cold load → first question ready (1× CPU)', cold1, BUDGETS.cold1xMs),
    row('Cold load → first question ready (4× CPU)', cold4, BUDGETS.cold4xMs),
    // The issue budgets the slow link at 4× only; 1× shows how much of it is the link alone.
    row('Cold load → first question ready (1× CPU, 400 kbit/s, 400 ms)', slow1),
    row('Cold load → first question ready (4× CPU, 400 kbit/s, 400 ms)', slow4, BUDGETS.slowLinkMs),
    {
      name: 'Warm start (service worker) → Home ready (4× CPU)',
      value: ms(median(warm4)),
      unit: 'ms',
      budget: `≤ ${BUDGETS.warm4xMs} ms`,
      ok: median(warm4) <= BUDGETS.warm4xMs,
      note: `median of ${warm4.length}; ${loadNote}`,
    },
  ];
}
