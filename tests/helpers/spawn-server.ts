// Runs the real ward endpoint (src/server/main.ts) in a child process, for tests that need a
// process to kill. `node --import tsx` keeps it one process: SIGKILL then really kills the
// server (the tsx CLI would leave its child running).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { FIXTURE_WARDS_DIR } from './records.js';

// Re-exported: the tests that spawn a server import it from here.
export { freePort } from './free-port.js';

export interface SpawnedServer {
  proc: ChildProcess;
  url: string;
  /** Everything printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG: 'off', SEEDS_DIR: FIXTURE_WARDS_DIR, STATIC_ROOT: 'no-static-root', ...extra };
  if (!extra.DATABASE_URL) delete env.DATABASE_URL;
  delete env.NODE_OPTIONS; // vitest's own loader options must not leak into the child
  return env;
}

export async function spawnServer(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedServer> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: serverEnv({ HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const started = Date.now();
  while (!/ward endpoint: http/.test(out)) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`server exited early: ${err || out}`);
    if (Date.now() - started > timeoutMs) {
      proc.kill('SIGKILL');
      throw new Error(`server did not start in ${timeoutMs} ms: ${err || out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    proc,
    url: `http://127.0.0.1:${env.PORT}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Runs the admin CLI to completion. */
export function runAdmin(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli/admin.ts', ...args], {
    env: serverEnv(env),
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
