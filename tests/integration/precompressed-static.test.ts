// The PWA's files on the wire (issue 13, point 1): the build writes .br and .gz copies of every
// text file (scripts/build/precompress.ts) and the ward endpoint sends the best one the browser
// accepts, br > gzip > the file itself, with Vary: Accept-Encoding, the file's own Content-Type
// and the compressed copy's Content-Length. Against the real production build, served by the real
// server over a socket (node:http, which never decompresses, so the bytes are the wire's).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { sqliteBackend } from '../helpers/server-db.js';

const DIST = 'dist';

interface WireAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, url: string, acceptEncoding: string | undefined, method = 'GET'): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
    const req = request({ host: '127.0.0.1', port, path: url, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The URLs the service worker precaches, read from the built sw.js. */
function precacheUrls(): string[] {
  const sw = readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  return [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => '/' + m[1]!.replace(/^\//, ''));
}

const TEXT = /\.(?:html|js|css|webmanifest|svg)$/;

describe('the PWA compressed on the wire', () => {
  let app: FastifyInstance;
  let port: number;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(path.join(DIST, 'index.html.br'))) {
      throw new Error('no compressed production build: run `NODE_ENV=production npx vite build` first (npm test does)');
    }
    const opened = await sqliteBackend.open();
    cleanup = opened.cleanup;
    app = await buildServer({ db: opened.server, staticRoot: DIST, syncWorkers: 0 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  it('every text file of the precache, the manifest and the service worker: br, gzip or the file by Accept-Encoding', async () => {
    const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(css && entry).toBeTruthy();
    // The service worker's workbox runtime (loaded by sw.js itself, not precached).
    const workbox = readdirSync(DIST).filter((f) => /^workbox-[^.]+\.js$/.test(f)).map((f) => `/${f}`);
    const urls = new Set(['/', '/index.html', '/manifest.webmanifest', '/sw.js', ...workbox, css!, entry!, ...precacheUrls().filter((u) => TEXT.test(u))]);
    // Every kind is there: HTML, JS, CSS, the manifest, the service worker and its runtime.
    for (const kind of [/\.html$/, /\.js$/, /\.css$/, /\.webmanifest$/, /^\/sw\.js$/, /^\/workbox-[^/]+\.js$/]) {
      expect([...urls].some((u) => kind.test(u)), String(kind)).toBe(true);
    }
    for (const url of urls) {
      const filePath = path.join(DIST, url === '/' ? 'index.html' : url.slice(1));
      const file = readFileSync(filePath);
      // A copy is left out only when it would not be smaller (a file of a few dozen bytes).
      const hasBr = existsSync(`${filePath}.br`);
      const hasGz = existsSync(`${filePath}.gz`);
      if (file.length >= 200) expect(hasBr && hasGz, `${url}: .br and .gz written`).toBe(true);
      const type = url === '/' ? 'text/html' : /\.js$/.test(url) ? 'javascript' : /\.css$/.test(url) ? 'text/css' : /\.webmanifest$/.test(url) ? 'application/manifest+json' : /\.svg$/.test(url) ? 'image/svg+xml' : 'text/html';
      const br = (b: Buffer) => brotliDecompressSync(b);
      const gz = (b: Buffer) => gunzipSync(b);
      const same = (b: Buffer) => b;
      const best: [string | undefined, (b: Buffer) => Buffer] = hasBr ? ['br', br] : hasGz ? ['gzip', gz] : [undefined, same];
      const gzipOnly: [string | undefined, (b: Buffer) => Buffer] = hasGz ? ['gzip', gz] : [undefined, same];
      const cases: [string | undefined, string | undefined, (b: Buffer) => Buffer][] = [
        ['br, gzip', ...best],
        ['gzip, deflate, br', ...best],
        ['gzip', ...gzipOnly],
        ['gzip, br;q=0', ...gzipOnly],
        ['identity', undefined, (b) => b],
        [undefined, undefined, (b) => b],
      ];
      for (const [accept, encoding, decode] of cases) {
        const res = await get(port, url, accept);
        const what = `${url} with Accept-Encoding: ${accept ?? '(none)'}`;
        expect(res.status, what).toBe(200);
        expect(res.headers['content-encoding'], what).toBe(encoding);
        expect(String(res.headers['vary']).toLowerCase(), what).toContain('accept-encoding');
        expect(res.headers['content-type'], what).toContain(type);
        expect(Number(res.headers['content-length']), what).toBe(res.body.length);
        expect(decode(res.body).equals(file), what).toBe(true);
        if (encoding) expect(res.body.length, what).toBeLessThan(file.length);
      }
    }
  });

  it('the app shell for any other path (a deep link) is compressed too and never cached stale', async () => {
    const shell = readFileSync(path.join(DIST, 'index.html'));
    for (const url of ['/list', '/some/deep/path?x=1']) {
      const res = await get(port, url, 'br, gzip');
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-type']).toContain('text/html');
      expect(String(res.headers['vary']).toLowerCase()).toContain('accept-encoding');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(brotliDecompressSync(res.body).equals(shell)).toBe(true);
      const plain = await get(port, url, undefined);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(shell)).toBe(true);
    }
  });

  it('caching is kept: the service worker, manifest and shell revalidate; hashed assets are immutable', async () => {
    for (const url of ['/sw.js', '/manifest.webmanifest', '/', '/index.html']) {
      for (const accept of ['br', 'gzip', 'identity']) expect((await get(port, url, accept)).headers['cache-control'], `${url} ${accept}`).toBe('no-cache');
    }
    const asset = precacheUrls().find((u) => u.startsWith('/assets/') && u.endsWith('.js'))!;
    for (const accept of ['br', 'gzip', 'identity']) expect((await get(port, asset, accept)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('hashed scripts and stylesheets drop the document-only headers; documents and the worker keep them', async () => {
    const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    for (const url of [entry, css]) {
      for (const accept of ['br', 'identity']) {
        const res = await get(port, url, accept);
        expect(res.headers['content-security-policy'], url).toBeUndefined();
        expect(res.headers['x-frame-options'], url).toBeUndefined();
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(res.headers['cross-origin-resource-policy'], url).toBe('same-origin');
      }
    }
    for (const url of ['/', '/sw.js', '/manifest.webmanifest', '/list']) {
      const res = await get(port, url, 'br');
      expect(res.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('HEAD answers the headers of the same choice; the compressed copies have no URL of their own', async () => {
    const head = await get(port, '/sw.js', 'br', 'HEAD');
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBe(readFileSync(path.join(DIST, 'sw.js.br')).length);
    // A request for the .br file itself falls through to the app shell (HTML), never raw brotli.
    const direct = await get(port, '/sw.js.br', undefined);
    expect(direct.headers['content-type']).toContain('text/html');
    // Images are already compressed: sent as they are whatever the browser accepts.
    const png = precacheUrls().find((u) => u.endsWith('.png'));
    if (png) expect((await get(port, png, 'br, gzip')).headers['content-encoding']).toBeUndefined();
  });
});
