// Time to build the follow-up list on a phone holding 5,000 households (≈16,500 members) and
// 5,000 assistances (budget ≤ 200 ms, issue 5). Measured twice:
// - in Node, as a quick figure for the algorithm (median of 7 runs after warm-up runs);
// - in headless Chromium with the CPU throttled 4× through CDP (Emulation.setCPUThrottlingRate),
//   the stand-in for a mid-range phone: the function is bundled for the page with esbuild and the
//   same data is generated in the page, outside the timed part.
// The data are the deterministic demo households and assistances of Phường Chí Linh.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { BenchRow } from './bench-row.js';
import { ASSISTANCES, HOUSEHOLDS, makeData, RUNS, timeRuns, WARMUP } from './follow-up-list-data.js';

export const FOLLOW_UP_BUDGET_MS = 200;
const THROTTLE = 4;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function row(name: string, times: number[], note: string): BenchRow {
  const ms = median(times);
  return {
    name,
    value: Number(ms.toFixed(1)),
    unit: 'ms',
    budget: `≤ ${FOLLOW_UP_BUDGET_MS} ms`,
    ok: ms <= FOLLOW_UP_BUDGET_MS,
    note: `${note}; median of ${times.length}, min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}`,
  };
}

/** Bundles the page entry (data + timing) into one IIFE for the browser. */
async function bundleForPage(): Promise<string> {
  const { build } = await import('esbuild');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const result = await build({
    stdin: {
      contents: `import { makeData, timeRuns } from './follow-up-list-data.ts';
        globalThis.__followUp = { makeData, timeRuns };`,
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output');
  return out.text;
}

async function runInChromium(): Promise<BenchRow> {
  const { launchBrowser } = await import('../tests/helpers/chromium.js');
  const script = await bundleForPage();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.addScriptTag({ content: script });
    // Generate the data unthrottled (not what is measured), then throttle and time.
    await page.evaluate(() => {
      const g = globalThis as unknown as { __followUp: { makeData: () => unknown }; __data: unknown };
      g.__data = g.__followUp.makeData();
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
    const { times, items } = await page.evaluate(
      ({ runs, warmup }) => {
        const g = globalThis as unknown as {
          __followUp: { timeRuns: (d: unknown, r: number, w: number) => { times: number[]; items: number } };
          __data: unknown;
        };
        return g.__followUp.timeRuns(g.__data, runs, warmup);
      },
      { runs: RUNS, warmup: WARMUP },
    );
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    return row(`Follow-up list, Chromium ${THROTTLE}× CPU throttle`, times, `${items} items; phone stand-in`);
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const data = makeData();
  // CPU time beside wall time: on a busy machine the wall-clock median includes waiting for a core.
  const cpu0 = process.cpuUsage();
  const { times, items } = timeRuns(data, RUNS, WARMUP);
  const cpu = process.cpuUsage(cpu0);
  const cpuPerRun = (cpu.user + cpu.system) / 1000 / (RUNS + WARMUP);
  const rows: BenchRow[] = [
    row(
      'Follow-up list, Node',
      times,
      `${HOUSEHOLDS} households (${data.members} members) + ${ASSISTANCES} assistances (${data.assistances.length} revs) → ${items} items; CPU ${cpuPerRun.toFixed(1)} ms/run`,
    ),
  ];
  if (process.env.BENCH_SKIP_BROWSER) {
    rows.push({ name: 'Follow-up list, Chromium 4× CPU throttle', value: 0, unit: 'ms', note: 'skipped (BENCH_SKIP_BROWSER)' });
  } else {
    rows.push(await runInChromium());
  }
  return rows;
}

// `tsx bench/follow-up-list.ts` runs this benchmark alone (no build needed).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit} (${r.budget ?? ''} ${r.ok === undefined ? '' : r.ok ? '✓' : '✗'}) ${r.note ?? ''}`);
}
