// The real ward endpoint as its own process (src/server/main.ts) on an empty data folder, for
// browser tests that enrol with the code printed on first start and read the SQLite file after.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../helpers/free-port.js';

export interface WardProcess {
  url: string;
  /** The enrolment code printed on first start. */
  code: string;
  child: ChildProcess;
}

/** Starts the ward endpoint; resolves with its URL and the printed enrolment code. */
export async function startWardEndpoint(dataDir: string): Promise<WardProcess> {
  const port = await freePort();
  // Its own SQLite file even when DATABASE_URL points the storage tests at PostgreSQL: the test
  // needs a first start on an empty database and reads the file afterwards.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG: 'off', STATIC_ROOT: 'dist', SEEDS_DIR: 'seeds/wards' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`ward endpoint exited (${code}): ${out}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const code = /Mã đăng ký thiết bị đầu tiên:\s*(\S+)/.exec(out)?.[1];
      if (code && out.includes('Gõ Cửa ward endpoint:')) resolve({ url: `http://127.0.0.1:${port}`, code, child });
    });
  });
}

/** Stops the ward endpoint started by startWardEndpoint (if it is still running). */
export async function stopWardEndpoint(ward: WardProcess | undefined): Promise<void> {
  if (!ward || ward.child.exitCode !== null) return;
  ward.child.removeAllListeners('exit');
  ward.child.kill('SIGTERM');
  await new Promise((r) => ward.child.once('exit', r));
}
