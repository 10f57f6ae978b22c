// Browser tests launch Debian's Chromium with a persistent profile (so a "browser restart"
// keeps the service worker and IndexedDB) and serve the production build with the real ward
// endpoint on its own SQLite file.
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { buildServer } from '../../../src/server/app.js';
import { openServerDb } from '../../../src/server/db/connect.js';
import { launchPersistent, makeProfileDir } from '../../helpers/chromium.js';

export { makeProfileDir };

export function launchProfile(userDataDir: string): Promise<BrowserContext> {
  return launchPersistent(userDataDir);
}

export interface E2eServer {
  url: string;
  /** The server's database, for a test to create staff accounts and enrolment codes. */
  db: Awaited<ReturnType<typeof openServerDb>>;
  close: () => Promise<void>;
}

export async function startServer(staticRoot = 'dist'): Promise<E2eServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'go-cua-e2e-data-'));
  const db = await openServerDb({ dataDir });
  const app = await buildServer({ db, staticRoot, seedsDir: 'seeds/wards' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    close: async () => {
      await app.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
