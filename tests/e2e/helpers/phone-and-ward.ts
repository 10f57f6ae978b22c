// One phone (a persistent Chromium profile, so the service worker and IndexedDB behave as on a
// real phone) and one real ward endpoint process on an empty data folder, for a describe block:
// started before its tests, stopped and removed after. Read the fields inside tests and hooks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchPersistent, makeProfileDir } from '../../helpers/chromium.js';
import { startWardEndpoint, stopWardEndpoint, type WardProcess } from './ward-process.js';

export interface PhoneAndWard {
  ward: WardProcess;
  context: BrowserContext;
  page: Page;
  /** The ward endpoint's data folder (its SQLite file is go-cua.sqlite). */
  dataDir: string;
}

export function usePhoneAndWard(dirPrefix: string): PhoneAndWard {
  const profile = makeProfileDir();
  const env = { dataDir: mkdtempSync(path.join(tmpdir(), dirPrefix)) } as PhoneAndWard;
  beforeAll(async () => {
    env.ward = await startWardEndpoint(env.dataDir);
    env.context = await launchPersistent(profile.dir);
    env.page = env.context.pages()[0] ?? (await env.context.newPage());
  });
  afterAll(async () => {
    await env.context?.close().catch(() => undefined);
    await stopWardEndpoint(env.ward);
    profile.remove();
    rmSync(env.dataDir, { recursive: true, force: true });
  });
  return env;
}
