// The prerendered shell's inline script (issue 13) is allowed by its SHA-256 alone: the build
// writes the hash beside the app (csp-hashes.json, scripts/build/prerender-shell.ts) and the
// server adds it to script-src. A malformed file stops the start rather than serving a page
// whose script the browser would block.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { cspHash, shellScript } from '../../scripts/build/prerender-shell.js';
import { sqliteBackend } from '../helpers/server-db.js';

const roots: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function staticRoot(hashesFile: string | undefined): string {
  const root = mkdtempSync(path.join(tmpdir(), 'go-cua-csp-'));
  roots.push(root);
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  if (hashesFile !== undefined) writeFileSync(path.join(root, 'csp-hashes.json'), hashesFile);
  return root;
}

async function server(root: string) {
  const opened = await sqliteBackend.open();
  cleanups.push(opened.cleanup);
  const app = await buildServer({ db: opened.server, staticRoot: root, syncWorkers: 0 });
  cleanups.unshift(() => app.close());
  return app;
}

describe('CSP hash of the inline shell script', () => {
  it("adds the build's hash to script-src, on the document and its client-side routes", async () => {
    const hash = cspHash(shellScript('/assets/store-x.js'));
    expect(hash).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    const app = await server(staticRoot(JSON.stringify({ scriptSrc: [hash] })));
    for (const url of ['/', '/list']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-security-policy'])).toContain(`script-src 'self' ${hash};`);
    }
  });

  it('without the file (no build): script-src stays self only', async () => {
    const app = await server(staticRoot(undefined));
    expect(String((await app.inject({ url: '/' })).headers['content-security-policy'])).toContain("script-src 'self';");
  });

  it('a malformed file stops the start', async () => {
    await expect(server(staticRoot(JSON.stringify({ scriptSrc: ["'unsafe-inline'"] })))).rejects.toThrow(/csp-hashes\.json/);
    await expect(server(staticRoot('{'))).rejects.toThrow();
  });
});
