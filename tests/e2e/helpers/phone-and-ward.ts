// One phone (a persistent Chromium profile, so the service worker and IndexedDB behave as on a
// real phone) and one real ward endpoint for a describe block: started before its tests, stopped
// and removed after. Read the fields inside tests and hooks. usePhoneAndWard runs the endpoint
// as its own process (as `npm start` does); usePhoneAndServer runs it in the test's process, so
// a test can reach its database (staff accounts, enrolment codes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchPersistent, makeProfileDir } from '../../helpers/chromium.js';
import { startServer, type E2eServer } from './browser.js';
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

/** Enrols the phone from the ward's QR link, with the code the endpoint printed on first start. */
export async function enrolFromQrLink(page: Page, ward: WardProcess, volunteerName: string): Promise<void> {
  await page.goto(`${ward.url}/?ward=10546&code=${encodeURIComponent(ward.code)}`);
  await page.getByTestId('enrol-volunteerName').waitFor();
  await page.getByTestId('enrol-volunteerName').fill(volunteerName);
  await page.getByTestId('enrol-submit').click();
  await page.getByTestId('enrolment-done').waitFor();
}

export interface PhoneAndServer {
  server: E2eServer;
  context: BrowserContext;
  page: Page;
}

export interface PhoneOptions {
  /** Runs on the new browser before its first page is used (a fake clock, a tap counter). */
  prepare?: (context: BrowserContext) => Promise<void>;
  /** Opens the app at this path and waits for Home's "new survey" button. */
  open?: string;
}

export function usePhoneAndServer(options: PhoneOptions = {}): PhoneAndServer {
  const profile = makeProfileDir();
  const env = {} as PhoneAndServer;
  beforeAll(async () => {
    env.server = await startServer();
    env.context = await launchPersistent(profile.dir);
    await options.prepare?.(env.context);
    env.page = env.context.pages()[0] ?? (await env.context.newPage());
    if (options.open !== undefined) {
      await env.page.goto(`${env.server.url}${options.open}`);
      await env.page.getByTestId('new-survey').waitFor();
    }
  });
  afterAll(async () => {
    await env.context?.close().catch(() => undefined);
    await env.server?.close().catch(() => undefined);
    profile.remove();
  });
  return env;
}
