// Initial JavaScript of the production build: the scripts index.html loads before the app can
// run (the entry module and its modulepreloads), gzip-compressed as a phone downloads them.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { BenchRow } from './bench-row.js';

export const INITIAL_JS_BUDGET_KB = 170;

export function initialScripts(distDir: string): string[] {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const srcs = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) srcs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) srcs.add(m[1]!);
  return [...srcs].map((s) => path.join(distDir, s.replace(/^\//, '')));
}

export async function run(distDir = 'dist'): Promise<BenchRow[]> {
  if (!existsSync(path.join(distDir, 'index.html'))) throw new Error(`${distDir}/index.html missing: run the build first`);
  const files = initialScripts(distDir);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const buf = readFileSync(f);
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  const gzKb = gz / 1024;
  return [
    {
      name: 'Initial JS (gzip)',
      value: Number(gzKb.toFixed(1)),
      unit: 'KB',
      budget: `≤ ${INITIAL_JS_BUDGET_KB} KB`,
      ok: gzKb <= INITIAL_JS_BUDGET_KB,
      note: `${files.length} file(s), ${(raw / 1024).toFixed(1)} KB raw`,
    },
  ];
}
