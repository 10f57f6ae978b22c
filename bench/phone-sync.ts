// A phone's full sync of 5,000 queued households over an emulated slow 3G link, to the real
// ward endpoint (SQLite in a temp folder), in Chromium:
// - the sync engine runs in a real page (bench/phone-sync-page.ts, bundled here with vite and
//   served by the ward endpoint itself, so requests are same-origin as in the app);
// - the link is throttled with CDP Network.emulateNetworkConditions: 400 kbit/s up and down,
//   400 ms latency;
// - gzip on (the engine's default, CompressionStream) vs off. Gzip off over the full 5,000 would
//   take minutes on this link, so it runs on GZIP_OFF_SAMPLE households and its time is scaled
//   to 5,000 (the run is bandwidth-bound: time ∝ bytes); its bytes for 5,000 are the gzip-on
//   run's request bodies measured uncompressed (the same batches: batching is by raw size).
// Each run checks the server stored every household exactly once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import type { BenchRow } from './bench-row.js';
import { buildServer } from '../src/server/app.js';
import { openServerDb, type ServerDb } from '../src/server/db/connect.js';
import { issueEnrolmentCode } from '../src/server/services/enrolment-codes.js';
import { generateHouseholds } from '../src/demo/demo-data.js';
import { findSeedWard } from '../seeds/index.js';
import type { HouseholdRecord } from '../src/shared/schema/household.js';
import { launchBrowser } from '../tests/helpers/chromium.js';

export const HOUSEHOLDS = 5000;
export const GZIP_OFF_SAMPLE = 300;
export const SLOW_3G = { latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const WARD = '10546';
/** Budget: the whole ward's day of work goes through a bad 3G link in under five minutes. */
const BUDGET_S = 300;

interface PageResult {
  ms: number;
  bytesSent: number;
  rawBytes: number;
  requests: number;
  phase: string;
  pending: number;
  sent: number;
  left: number;
  error: unknown;
}

async function bundlePage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      lib: { entry: path.resolve('bench/phone-sync-page.ts'), formats: ['iife'], name: 'GoCuaBenchPage', fileName: () => 'bench.js' },
    },
  });
  writeFileSync(path.join(outDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench</title><script src="/bench.js"></script>');
}

async function enrol(baseUrl: string, db: ServerDb, name: string) {
  const code = (await issueEnrolmentCode(db, WARD, 1)).code;
  const res = await fetch(`${baseUrl}/api/v1/devices/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ wardCode: WARD, enrolmentCode: code, volunteerName: name }),
  });
  if (res.status !== 201) throw new Error(`enrol failed: ${res.status}`);
  const { deviceId, token } = (await res.json()) as { deviceId: string; token: string };
  return { deviceId, token, wardCode: WARD, volunteerName: name, enrolledAt: new Date().toISOString() };
}

async function phoneSync(
  browser: Browser,
  baseUrl: string,
  server: ServerDb,
  records: HouseholdRecord[],
  options: { compression: 'auto' | 'never'; throttle: boolean; name: string },
): Promise<PageResult> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/index.html`);
    await page.waitForFunction(() => 'goCuaBench' in window);
    const device = await enrol(baseUrl, server, options.name);
    const queued = await page.evaluate(
      ([name, d, r]) => (window as unknown as { goCuaBench: { prepare: (...a: unknown[]) => Promise<number> } }).goCuaBench.prepare(name, d, r),
      [options.name, device, records] as const,
    );
    if (queued !== records.length) throw new Error(`queued ${queued} of ${records.length}`);
    if (options.throttle) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_3G });
    }
    const result = await page.evaluate(
      (compression) => (window as unknown as { goCuaBench: { sync: (c: string) => Promise<PageResult> } }).goCuaBench.sync(compression),
      options.compression,
    );
    if (result.phase !== 'idle' || result.left !== 0) throw new Error(`sync did not finish: ${JSON.stringify(result)}`);
    const stored = await server.db
      .selectFrom('record_revisions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', device.deviceId)
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== records.length) throw new Error(`server stored ${stored.n} of ${records.length}`);
    return result;
  } finally {
    await context.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const ward = findSeedWard(WARD);
  if (!ward) throw new Error(`no seed ward ${WARD}`);
  const work = mkdtempSync(path.join(tmpdir(), 'go-cua-bench-sync-'));
  const pageDir = path.join(work, 'page');
  await bundlePage(pageDir);
  const db = await openServerDb({ dataDir: path.join(work, 'data') });
  const app = await buildServer({ db, staticRoot: pageDir, seedsDir: 'seeds/wards', rateLimits: { syncPerMinute: 10_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  try {
    const gzipSet = generateHouseholds({ wardConfig: ward, count: HOUSEHOLDS, seed: 'bench-gzip' });
    const on = await phoneSync(browser, baseUrl, db, gzipSet, { compression: 'auto', throttle: true, name: 'Bench gzip' });
    // Gzip off: time on a throttled sample, scaled to 5,000.
    const sample = generateHouseholds({ wardConfig: ward, count: GZIP_OFF_SAMPLE, seed: 'bench-plain-sample' });
    const offSample = await phoneSync(browser, baseUrl, db, sample, { compression: 'never', throttle: true, name: 'Bench plain time' });
    const offSeconds = (offSample.ms / 1000) * (HOUSEHOLDS / GZIP_OFF_SAMPLE);
    const onSeconds = on.ms / 1000;
    const mb = (b: number) => Math.round((b / 1024 / 1024) * 100) / 100;
    const link = '400 kbit/s, 400 ms latency';
    return [
      {
        name: `full sync of ${HOUSEHOLDS} households, gzip on`,
        value: Math.round(onSeconds * 10) / 10,
        unit: 's',
        budget: `≤ ${BUDGET_S} s`,
        ok: onSeconds <= BUDGET_S,
        note: `${link}; ${on.requests} requests; all stored once`,
      },
      { name: 'bytes sent, gzip on', value: mb(on.bytesSent), unit: 'MB', note: `${Math.round(on.bytesSent / HOUSEHOLDS)} B per household` },
      {
        name: `full sync of ${HOUSEHOLDS} households, gzip off`,
        value: Math.round(offSeconds * 10) / 10,
        unit: 's',
        note: `for comparison (the app gzips); scaled from ${GZIP_OFF_SAMPLE} households in ${Math.round(offSample.ms / 100) / 10} s on the same link`,
      },
      { name: 'bytes sent, gzip off', value: mb(on.rawBytes), unit: 'MB', note: `${Math.round(on.rawBytes / HOUSEHOLDS)} B per household (the same bodies uncompressed)` },
      {
        name: 'gzip saving',
        value: Math.round((1 - on.bytesSent / on.rawBytes) * 1000) / 10,
        unit: '%',
        note: `time ×${Math.round((offSeconds / onSeconds) * 10) / 10} faster with gzip`,
      },
    ];
  } finally {
    await browser.close();
    await app.close();
    await db.close();
    rmSync(work, { recursive: true, force: true });
  }
}

// `tsx bench/phone-sync.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  console.table(rows);
}
