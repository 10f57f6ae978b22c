// Launches Debian's Chromium for browser tests and benchmarks. The flags keep it from reaching
// for the internet (this machine has none) and from GPU work a headless server lacks.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { autoPin } from './phone-pin.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A browser profile on disk, so a test can close the browser and open it again (a restart). */
export function makeProfileDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'go-cua-profile-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `autoPin: false` for tests of the lock itself (helpers/phone-pin.ts types the PIN otherwise). */
export async function launchPersistent(userDataDir: string, options: { autoPin?: boolean } = {}): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 360, height: 740 },
    locale: 'vi-VN',
    serviceWorkers: 'allow',
  });
  if (options.autoPin !== false) await autoPin(context);
  return context;
}
