// Brotli and gzip copies of every text file of the production build (HTML, JS, CSS, the web
// manifest, the service worker and its workbox runtime, SVG), made once at build time so the
// ward endpoint serves them by Accept-Encoding (@fastify/static `preCompressed`) and never
// compresses per request. Our own few lines over node:zlib rather than a plugin: there is nothing
// to configure, and it must run after vite-plugin-pwa has written sw.js (closeBundle, sequential,
// order 'post'), which a generic plugin does not promise.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

/** Files worth compressing; images and fonts (png, woff2) are compressed already. */
export const COMPRESSIBLE = /\.(?:html|js|mjs|css|webmanifest|json|svg|txt)$/;

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(p);
    else yield p;
  }
}

/** Writes `file.br` and `file.gz` beside each compressible file of `dir` (only when smaller). */
export function precompressDir(dir: string): { files: number; raw: number; br: number; gz: number } {
  const totals = { files: 0, raw: 0, br: 0, gz: 0 };
  for (const file of filesUnder(dir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const raw = readFileSync(file);
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = gzipSync(raw, { level: 9 });
    // A compressed copy that is not smaller is left out: the server then sends the file itself.
    if (br.length < raw.length) writeFileSync(`${file}.br`, br);
    if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
    totals.files++;
    totals.raw += raw.length;
    totals.br += Math.min(br.length, raw.length);
    totals.gz += Math.min(gz.length, raw.length);
  }
  return totals;
}

export function precompress(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'go-cua:precompress',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        const outDir = path.resolve(config.root, config.build.outDir);
        if (!statSync(outDir, { throwIfNoEntry: false })?.isDirectory()) return;
        const t = precompressDir(outDir);
        config.logger.info(
          `precompress: ${t.files} files, ${(t.raw / 1024).toFixed(0)} KB → br ${(t.br / 1024).toFixed(0)} KB, gzip ${(t.gz / 1024).toFixed(0)} KB`,
        );
      },
    },
  };
}
