// The SQLite WAL checkpoints on a worker thread (src/server/db/wal-checkpointer.ts): a real
// database file, the real worker (TypeScript through tsx, as `npm start` runs it). The worker
// copies committed pages into the database file while the server's connection never
// checkpoints below its backstop; a worker that cannot run hands checkpoints back to SQLite.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openServerDb, SQLITE_FILE_NAME, type ServerDb } from '../../src/server/db/connect.js';
import { BACKSTOP_PAGES, startWalCheckpointer } from '../../src/server/db/wal-checkpointer.js';
import { scrubErasedBytes } from '../../src/server/services/scrub.js';

const dirs: string[] = [];
const opened: ServerDb[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(checkpointInBackground: boolean): Promise<{ server: ServerDb; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gocua-wal-'));
  dirs.push(dir);
  const server = await openServerDb({ dataDir: dir, checkpointInBackground });
  opened.push(server);
  return { server, file: path.join(dir, SQLITE_FILE_NAME) };
}

/** Writes about `pages` pages of 4 KiB in one transaction, on a table of the test's own. */
function writePages(server: ServerDb, pages: number): void {
  const sqlite = server.sqlite!;
  sqlite.exec('create table if not exists filler (id integer primary key, blob blob not null)');
  const insert = sqlite.prepare('insert into filler (blob) values (?)');
  sqlite.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run(Buffer.alloc(3500, i % 251));
  })();
}

async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WAL checkpoints on a worker thread', () => {
  it('copies committed pages into the database file beside the server, which does not checkpoint below its backstop', async () => {
    const { server, file } = await open(true);
    expect(server.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    const before = statSync(file).size;
    writePages(server, 1500); // over SQLite's default of 1,000 pages, under the backstop
    // The pages reach the database file without the server's connection checkpointing.
    await waitFor(() => statSync(file).size > before + 1400 * 3500, 'the worker to copy the pages into the database file');
    // Everything written is read back whole, from the file and what is left in the WAL.
    expect(server.sqlite!.prepare('select count(*) as n, sum(length(blob)) as bytes from filler').get()).toEqual({ n: 1500, bytes: 1500 * 3500 });
    await server.close();
    opened.splice(opened.indexOf(server), 1);
    // The last connection to close checkpoints the rest and removes the WAL, as before.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("the erasure scrub's truncating checkpoint gets past the worker's, never reports busy", async () => {
    const { server, file } = await open(true);
    for (let round = 0; round < 100; round++) {
      writePages(server, 50);
      // A worker checkpoint may be running right now; SQLite then answers the scrub's TRUNCATE
      // busy at once (no busy handler for the checkpoint lock), so the scrub tries again. With a
      // single try this failed in 1 of 3 runs of 200 rounds.
      expect((await scrubErasedBytes(server, ['filler'])).busy).toBe(false);
      expect(statSync(`${file}-wal`).size).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, round % 7));
    }
  });

  it("copies a lone phone's commit at once when asked, not at the next interval", async () => {
    const { server, file } = await open(false);
    // An interval no test waits for: only checkpointSoon can copy the pages.
    const checkpointer = startWalCheckpointer(server.sqlite!, file, { intervalMs: 600_000 });
    try {
      const before = statSync(file).size;
      writePages(server, 1500);
      checkpointer.checkpointSoon();
      await waitFor(() => statSync(file).size > before + 1400 * 3500, 'the worker to copy the pages into the database file');
      expect(server.sqlite!.prepare('select count(*) as n from filler').get()).toEqual({ n: 1500 });
    } finally {
      await checkpointer.close();
    }
  });

  it('without it (the admin CLI), SQLite checkpoints inline as by default', async () => {
    const { server } = await open(false);
    expect(server.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('hands checkpoints back to SQLite when the worker cannot run', async () => {
    const { server } = await open(false);
    const problems: string[] = [];
    const checkpointer = startWalCheckpointer(server.sqlite!, path.join(tmpdir(), 'gocua-no-such-dir', 'missing.sqlite'), { onProblem: (p) => problems.push(p) });
    try {
      await waitFor(() => problems.length > 0, 'the worker to fail');
      expect(problems[0]).toMatch(/WAL checkpoint worker stopped/);
      expect(server.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await checkpointer.close();
    }
  });
});
