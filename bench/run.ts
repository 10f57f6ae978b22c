// `npm run bench`: builds the production app, runs every benchmark module and prints one table.
// Benchmarks measure; they do not fail the run on a missed budget (the table says ✗), but an
// error inside a benchmark exits non-zero so a broken benchmark is never mistaken for a result.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BenchRow } from './bench-row.js';
import type { ScaleOptions } from './scale.js';

interface BenchModule {
  title: string;
  load: () => Promise<{ run: () => Promise<BenchRow[]> }>;
}

const modules: BenchModule[] = [
  { title: 'PWA bundle', load: () => import('./bundle-size.js') },
  { title: 'Cold start', load: () => import('./cold-start.js') },
  { title: 'Phone survey', load: () => import('./phone-survey.js') },
  { title: 'Phone unlock', load: () => import('./phone-unlock.js') },
  { title: 'Server ingest', load: () => import('./server-ingest.js') },
  { title: 'Phone sync (slow 3G)', load: () => import('./phone-sync.js') },
  { title: 'Follow-up list', load: () => import('./follow-up-list.js') },
  { title: 'Dashboard API', load: () => import('./dashboard-api.js') },
];

const args = process.argv.slice(2);

/**
 * `--scale [--scale-households N] [--scale-engine sqlite|postgres [--scale-load sync|set-based] [--scale-keep]]`
 * or `--scale --scale-reuse DIR`: the province benchmark alone (bench/scale.ts).
 */
function scaleOptions(): ScaleOptions | null {
  if (!args.includes('--scale')) return null;
  const out: ScaleOptions = {};
  if (args.includes('--scale-keep')) out.keep = true;
  const reuse = args.indexOf('--scale-reuse');
  if (reuse >= 0) {
    const dir = args[reuse + 1];
    if (!dir || !existsSync(path.join(dir, 'scale-kept.json'))) {
      console.error('--scale-reuse needs the folder a --scale-keep run printed (it holds scale-kept.json)');
      process.exit(2);
    }
    out.reuse = dir;
  }
  const i = args.indexOf('--scale-households');
  if (i >= 0) {
    const n = Number(args[i + 1]);
    if (!Number.isInteger(n) || n < 114) {
      console.error('--scale-households needs a whole number ≥ 114 (one household per ward of the province)');
      process.exit(2);
    }
    out.households = n;
  }
  const e = args.indexOf('--scale-engine');
  if (e >= 0) {
    const engine = args[e + 1];
    if (engine !== 'sqlite' && engine !== 'postgres') {
      console.error('--scale-engine is sqlite or postgres');
      process.exit(2);
    }
    if (engine === 'postgres' && !/^postgres/.test(process.env.DATABASE_URL ?? '')) {
      console.error('--scale-engine postgres needs DATABASE_URL=postgres://…');
      process.exit(2);
    }
    out.engine = engine;
  }
  if (args.includes('--scale-load')) {
    const load = args[args.indexOf('--scale-load') + 1];
    if (load !== 'sync' && load !== 'set-based') {
      console.error('--scale-load is sync or set-based');
      process.exit(2);
    }
    out.load = load;
  }
  return out;
}
const scale = scaleOptions();
const valued = ['--scale-households', '--scale-engine', '--scale-load', '--scale-reuse'];
const only = args.filter((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1] ?? ''));

function build(): void {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('vite build failed');
}

function printTable(rows: (BenchRow & { group: string })[]): void {
  const cells = rows.map((r) => [
    r.group,
    r.name,
    `${r.value} ${r.unit}`,
    r.budget ?? '',
    r.ok === undefined ? '' : r.ok ? '✓' : '✗',
    r.note ?? '',
  ]);
  const head = ['group', 'benchmark', 'result', 'budget', 'ok', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => '| ' + c.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const c of cells) console.log(line(c));
}

const rows: (BenchRow & { group: string })[] = [];
let failed = false;
if (scale) {
  // Server-side only: no build needed.
  try {
    const { run } = await import('./scale.js');
    for (const row of await run(scale)) rows.push({ group: 'Scale', ...row });
  } catch (err) {
    failed = true;
    console.error('bench: scale failed:', err);
  }
  printTable(rows);
  process.exit(failed ? 1 : 0);
}
// BENCH_DIST measures a build made elsewhere (e.g. the "before" of a change), so none is made here.
if (!process.env.BENCH_DIST) build();
for (const m of modules) {
  if (only.length && !only.some((o) => m.title.toLowerCase().includes(o.toLowerCase()))) continue;
  process.stderr.write(`bench: ${m.title}…\n`);
  try {
    const mod = await m.load();
    for (const row of await mod.run()) rows.push({ group: m.title, ...row });
  } catch (err) {
    failed = true;
    console.error(`bench: ${m.title} failed:`, err);
  }
}
printTable(rows);
process.exit(failed ? 1 : 0);
