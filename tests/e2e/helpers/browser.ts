// Launching Debian's Chromium with a persistent profile (so a "browser restart" keeps the
// service worker and IndexedDB), and serving the production build with the real ward endpoint.
import { chromium, type BrowserContext } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildServer } from '../../../src/server/app.js';
import { openServerDb } from '../../../src/server/db/connect.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function makeProfileDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'go-cua-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function launchProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 360, height: 740 },
    locale: 'vi-VN',
  });
}

export async function startServer(staticRoot = 'dist'): Promise<{ url: string; close: () => Promise<void> }> {
  // The ward endpoint needs its database: a throwaway SQLite file per server.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'go-cua-e2e-data-'));
  const db = await openServerDb({ dataDir });
  const app = await buildServer({ db, staticRoot, seedsDir: 'seeds/wards' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
