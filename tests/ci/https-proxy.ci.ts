// HTTPS deployment, tested (issue 14, point 2): nginx started unprivileged with the site config
// shipped in deploy/nginx/go-cua.conf (only ports and certificate paths substituted), a
// certificate for ward.go-cua.test from a throwaway CA, the ward endpoint started as
// `npm start` starts it with TRUST_PROXY=1, and Debian's Chromium trusting that CA through an
// NSS database in a temporary HOME (not "ignore certificate errors"). The phone registers its
// service worker through the proxy, enrols, saves a household offline, reloads offline (the
// service worker serves the app), comes back online and syncs; the server's database holds it.
// Run only by .ci/run: `npx vitest run --project ci tests/ci/https-proxy.ci.ts`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.js';
import { autoPin } from '../helpers/phone-pin.js';
import { freePort, runAdmin } from '../helpers/spawn-server.js';

const HOST_NAME = 'ward.go-cua.test';
const WARD = '10546';
const SITE_TEMPLATE = 'deploy/nginx/go-cua.conf';

function findTool(name: string, extraDirs: string[] = []): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...extraDirs]) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

const nginx = findTool('nginx', ['/usr/sbin', '/usr/local/sbin']);
const certutil = findTool('certutil');
const openssl = findTool('openssl');
const missing = [
  !nginx && 'nginx not installed (apt-get install nginx)',
  !certutil && 'certutil not installed (apt-get install libnss3-tools)',
  !openssl && 'openssl not installed',
  !existsSync(CHROMIUM_PATH) && `Chromium not found at ${CHROMIUM_PATH}`,
].filter((x): x is string => typeof x === 'string');
if (missing.length > 0) console.log(`SKIPPED: the HTTPS proxy test: ${missing.join('; ')}`);

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A throwaway CA and a server certificate for HOST_NAME signed by it (P-256, valid 2 days). */
function makeCertificates(dir: string): { caPem: string; certPem: string; keyPem: string } {
  const caKey = path.join(dir, 'ca.key');
  const caPem = path.join(dir, 'ca.pem');
  const keyPem = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const certPem = path.join(dir, 'server.pem');
  const ext = path.join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(openssl!, ['req', '-x509', ...ec, '-keyout', caKey, '-out', caPem, '-days', '2', '-subj', '/CN=Go Cua throwaway test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(openssl!, ['req', ...ec, '-keyout', keyPem, '-out', csr, '-subj', `/CN=${HOST_NAME}`]);
  writeFileSync(ext, `subjectAltName=DNS:${HOST_NAME}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
  run(openssl!, ['x509', '-req', '-in', csr, '-CA', caPem, '-CAkey', caKey, '-CAcreateserial', '-out', certPem, '-days', '2', '-extfile', ext]);
  return { caPem, certPem, keyPem };
}

/** Replaces `from` in `text`, which must be there (a changed template must fail the test, not bypass it). */
function substitute(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`${SITE_TEMPLATE} no longer contains ${String(from)}: update the test's rendering`);
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(new RegExp(from.source, `${from.flags.replace('g', '')}g`), to);
}

/**
 * The shipped site config with ports, names and paths made local, inside a main config that
 * keeps what Debian's /etc/nginx/nginx.conf sets (mime types, gzip on) but writes pid, logs and
 * temp files under `prefix`, so nginx runs as this user.
 */
function renderNginxConfig(prefix: string, ports: { https: number; http: number; upstream: number }, certs: { certPem: string; keyPem: string }): string {
  let site = readFileSync(SITE_TEMPLATE, 'utf8');
  site = substitute(site, 'server 127.0.0.1:8080;', `server 127.0.0.1:${ports.upstream};`);
  site = substitute(site, /^\s*listen 80;$/m, `    listen 127.0.0.1:${ports.http};`);
  site = substitute(site, /^\s*listen 443 ssl http2;$/m, `    listen 127.0.0.1:${ports.https} ssl http2;`);
  // This machine's loopback may lack IPv6: the [::] listeners go.
  site = substitute(site, /^\s*listen \[::\]:(80|443)[^;]*;\n/m, '');
  site = substitute(site, 'server_name ward.example.vn;', `server_name ${HOST_NAME};`);
  site = substitute(site, '/etc/letsencrypt/live/ward.example.vn/fullchain.pem', certs.certPem);
  site = substitute(site, '/etc/letsencrypt/live/ward.example.vn/privkey.pem', certs.keyPem);
  site = substitute(site, 'root /var/www/html;', `root ${path.join(prefix, 'acme')};`);
  site = substitute(site, '/var/log/nginx/go-cua.access.log', path.join(prefix, 'go-cua.access.log'));
  const tmp = (name: string) => path.join(prefix, 'tmp', name);
  return [
    'worker_processes 1;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    `error_log ${path.join(prefix, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    `  access_log ${path.join(prefix, 'access.log')};`,
    `  client_body_temp_path ${tmp('body')};`,
    `  proxy_temp_path ${tmp('proxy')};`,
    `  fastcgi_temp_path ${tmp('fastcgi')};`,
    `  uwsgi_temp_path ${tmp('uwsgi')};`,
    `  scgi_temp_path ${tmp('scgi')};`,
    '  # As in Debian\'s nginx.conf: the site must turn it off for its own server.',
    '  gzip on;',
    site,
    '}',
    '',
  ].join('\n');
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return { child, output: () => out };
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(started: Started | undefined): Promise<void> {
  const child = started?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTPS request through the proxy, trusting only the throwaway CA, from `localAddress`. */
function httpsGet(port: number, pathname: string, ca: string, headers: Record<string, string>, localAddress = '127.0.0.1'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', servername: HOST_NAME, port, path: pathname, method: 'GET', ca, localAddress, headers: { host: `${HOST_NAME}:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(missing.length > 0)('HTTPS through nginx (deploy/nginx/go-cua.conf) with a CA the phone trusts', () => {
  // Made in beforeAll: a skipped describe still runs this body, but never its afterAll.
  let work: string;
  let prefix: string;
  let dataDir: string;
  let home: string;
  let profile: string;
  let certs: ReturnType<typeof makeCertificates>;
  let caText: string;
  let httpsPort: number;
  let httpPort: number;
  let wardPort: number;
  let proxy: Started | undefined;
  let ward: Started | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let base: string;
  const assetResponses: { url: string; encoding: string | undefined; vary: string | undefined }[] = [];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'go-cua-https-'));
    prefix = path.join(work, 'nginx');
    dataDir = path.join(work, 'data');
    home = path.join(work, 'home');
    profile = path.join(work, 'profile');
    for (const dir of [prefix, path.join(prefix, 'tmp'), path.join(prefix, 'acme'), dataDir, home, profile]) mkdirSync(dir, { recursive: true });
    certs = makeCertificates(work);
    caText = readFileSync(certs.caPem, 'utf8');
    httpsPort = await freePort();
    httpPort = await freePort();
    wardPort = await freePort();
    base = `https://${HOST_NAME}:${httpsPort}`;

    // The ward endpoint, as `npm start` runs it (scripts/start.mjs: the build if stale, then
    // src/server/main.ts), on its own SQLite file, behind one proxy hop.
    const wardEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(wardPort),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      TRUST_PROXY: '1',
      LOG: 'info',
    };
    delete wardEnv.NODE_OPTIONS;
    delete wardEnv.STATIC_ROOT;
    delete wardEnv.SEEDS_DIR;
    ward = startProcess(process.execPath, ['scripts/start.mjs'], wardEnv);
    await waitUntil(() => {
      if (ward!.child.exitCode !== null) throw new Error(`ward endpoint exited: ${ward!.output()}`);
      return ward!.output().includes('Gõ Cửa ward endpoint:');
    }, 'the ward endpoint to listen', 240_000);

    // nginx, unprivileged, on high ports, with the shipped site config.
    const confPath = path.join(prefix, 'nginx.conf');
    writeFileSync(confPath, renderNginxConfig(prefix, { https: httpsPort, http: httpPort, upstream: wardPort }, certs));
    run(nginx!, ['-t', '-q', '-p', prefix, '-e', path.join(prefix, 'error.log'), '-c', confPath]);
    proxy = startProcess(nginx!, ['-p', prefix, '-e', path.join(prefix, 'error.log'), '-c', confPath, '-g', 'daemon off;'], process.env);
    await waitUntil(async () => {
      if (proxy!.child.exitCode !== null) throw new Error(`nginx exited: ${proxy!.output()} ${readFileSync(path.join(prefix, 'error.log'), 'utf8')}`);
      return httpsGet(httpsPort, '/api/health', caText, {}).then((r) => r.status === 200, () => false);
    }, 'nginx to answer');

    // The phone's trust store: an NSS database in a temporary HOME, holding the throwaway CA.
    const nssdb = path.join(home, '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    run(certutil!, ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
    run(certutil!, ['-A', '-d', `sql:${nssdb}`, '-t', 'C,,', '-n', 'go-cua-test-ca', '-i', certs.caPem]);

    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${HOST_NAME} 127.0.0.1`],
      env: { ...process.env, HOME: home },
      headless: true,
      viewport: { width: 360, height: 740 },
      locale: 'vi-VN',
      serviceWorkers: 'allow',
    });
    await autoPin(context);
    context.on('response', (response) => {
      if (/\/assets\/[^?]+\.js$/.test(new URL(response.url()).pathname) && !response.fromServiceWorker()) {
        const headers = response.headers();
        assetResponses.push({ url: response.url(), encoding: headers['content-encoding'], vary: headers['vary'] });
      }
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 300_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await stop(proxy);
    await stop(ward);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('serves over TLS with HSTS, redirects plain HTTP, and passes the precompressed files through unchanged', async () => {
    const health = await httpsGet(httpsPort, '/api/health', caText, {});
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');

    const redirect = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: httpPort, path: '/some/page?x=1', headers: { host: HOST_NAME } }, resolve).on('error', reject);
    });
    redirect.resume();
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe(`https://${HOST_NAME}/some/page?x=1`);

    // A hashed JS asset: the build's .br file, byte for byte, with the endpoint's headers.
    const asset = readdirSync('dist/assets').find((f) => f.endsWith('.js') && existsSync(path.join('dist/assets', `${f}.br`)));
    expect(asset).toBeDefined();
    const br = await httpsGet(httpsPort, `/assets/${asset}`, caText, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.equals(readFileSync(path.join('dist/assets', `${asset}.br`)))).toBe(true);
    const gz = await httpsGet(httpsPort, `/assets/${asset}`, caText, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.equals(readFileSync(path.join('dist/assets', `${asset}.gz`)))).toBe(true);
    const plain = await httpsGet(httpsPort, `/assets/${asset}`, caText, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(readFileSync(path.join('dist/assets', asset!)))).toBe(true);
  });

  it('sees the client address nginx appended to X-Forwarded-For (TRUST_PROXY=1), not one the client wrote', async () => {
    // From another loopback address than nginx's own connection to the endpoint (127.0.0.1),
    // with a forged left-most X-Forwarded-For.
    const r = await httpsGet(httpsPort, '/api/health?from=xff-check', caText, { 'x-forwarded-for': '203.0.113.9' }, '127.0.0.5');
    expect(r.status).toBe(200);
    let line: { req?: { remoteAddress?: string; host?: string } } | undefined;
    await waitUntil(() => {
      line = ward!
        .output()
        .split('\n')
        .filter((l) => l.includes('xff-check') && l.includes('"req"'))
        .map((l) => JSON.parse(l) as typeof line)[0];
      return line !== undefined;
    }, 'the request log line', 15_000);
    expect(line!.req!.remoteAddress).toBe('127.0.0.5');
    expect(line!.req!.host).toBe(`${HOST_NAME}:${httpsPort}`);
  });

  it('registers the service worker through the proxy, enrols, works offline, and syncs when back online', async () => {
    const issued = runAdmin(['issue-enrolment-code', '--ward', WARD, '--uses', '1'], { DATA_DIR: dataDir });
    expect(issued.code, issued.stderr).toBe(0);
    const code = issued.stdout.trim().split('\n').at(-1)!.trim();

    await page.goto(`${base}/?ward=${WARD}&code=${encodeURIComponent(code)}`);
    await page.getByTestId('enrol-volunteerName').waitFor();
    await page.getByTestId('enrol-volunteerName').fill('Phạm Thu Hà');
    await page.getByTestId('enrol-submit').click();
    await page.getByTestId('enrolment-done').waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.evaluate(() => window.isSecureContext && location.protocol)).toBe('https:');
    // Over HTTP/2 too, the endpoint saw the name and port the phone used (the enrolment QR link
    // that ward staff print is made from it).
    const enrolLine = ward!.output().split('\n').find((l) => l.includes('"url":"/api/v1/devices/enrol"'));
    expect((JSON.parse(enrolLine!) as { req: { host: string } }).req.host).toBe(`${HOST_NAME}:${httpsPort}`);
    // The app's own scripts came through the proxy brotli-compressed, as the endpoint sent them.
    // (The build keeps no compressed copy of a file too small to gain from one.)
    const hasBrCopy = (url: string) => existsSync(path.join('dist', `${new URL(url).pathname}.br`));
    expect(assetResponses.filter((r) => hasBrCopy(r.url)).length).toBeGreaterThan(0);
    expect(assetResponses.filter((r) => (hasBrCopy(r.url) ? r.encoding !== 'br' : r.encoding !== undefined) || !/accept-encoding/i.test(r.vary ?? ''))).toEqual([]);

    await page.goto(`${base}/#/`);
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
    await context!.setOffline(true);
    await page.locator('[data-testid="sync-status"][data-phase="offline"]').waitFor();

    // A household nobody was home at, saved offline.
    await page.getByTestId('new-survey').click();
    const step = (name: string) => page.locator(`[data-testid="survey"][data-step="${name}"]`).waitFor();
    await step('address');
    await page.getByTestId('group-select').selectOption('TDP03');
    await page.getByTestId('house-number').fill('27');
    await page.getByTestId('street').fill('Trần Hưng Đạo');
    await page.getByTestId('step-next').click();
    await step('outcome');
    await page.locator('#field-outcome input[value="not_home"]').check();
    await page.getByTestId('step-next').click();
    await step('review');
    await page.getByTestId('save').click();
    await page.getByTestId('saved-flash').waitFor();

    // Offline, a reload is answered by the service worker.
    await page.reload();
    await page.goto(`${base}/#/`);
    await page.locator('[data-testid="sync-pending"][data-count="1"]').waitFor();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    await context!.setOffline(false);
    await page.locator('[data-testid="sync-pending"][data-count="0"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();

    // The enrolment link's code never reached nginx's access log (the site logs no query strings).
    const accessLog = readFileSync(path.join(prefix, 'go-cua.access.log'), 'utf8');
    expect(accessLog).toContain('"GET / HTTP/');
    expect(accessLog).not.toContain(code);
    expect(accessLog).not.toContain('code=');

    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      const households = sqlite.prepare('SELECT record_id, outcome, group_code FROM households').all() as { record_id: string; outcome: string; group_code: string }[];
      expect(households.map((h) => [h.outcome, h.group_code])).toEqual([['not_home', 'TDP03']]);
      const revisions = sqlite.prepare('SELECT record_id, rev FROM record_revisions').all() as { record_id: string; rev: number }[];
      expect(revisions).toEqual([{ record_id: households[0]!.record_id, rev: 1 }]);
      // The enrolment's audit entry holds the address nginx appended: the browser's (loopback
      // here, as is nginx's own; the test above tells them apart).
      const enrol = sqlite.prepare("SELECT ip FROM audit_log WHERE action = 'device.enrol'").all() as { ip: string | null }[];
      expect(enrol).toEqual([{ ip: '127.0.0.1' }]);
    } finally {
      sqlite.close();
    }
  });
});
