// The storage backends the server's contract tests run against: a temp SQLite file always,
// and PostgreSQL when DATABASE_URL is set (a fresh database per use, dropped afterwards).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openServerDb, type ServerDb } from '../../src/server/db/connect.js';

export interface OpenedDb {
  server: ServerDb;
  /** Env for a child process (admin CLI, main.ts) that must use the same database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedDb>;
}

export function tempDir(prefix = 'gocua-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

const sqlite: Backend = {
  name: 'sqlite',
  async open() {
    const dir = tempDir();
    const server = await openServerDb({ dataDir: dir });
    return {
      server,
      env: { DATA_DIR: dir },
      async cleanup() {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Creates a fresh PostgreSQL database and returns its URL and a function that drops it. */
export async function createPgDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gocua_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        // Closed pools may take a moment to leave; FORCE only as a last resort.
        for (let attempt = 0; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name}${attempt >= 20 ? ' WITH (FORCE)' : ''}`);
            break;
          } catch (error) {
            if (attempt >= 20) throw error;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

const postgres = (adminUrl: string): Backend => ({
  name: 'postgres',
  async open() {
    const created = await createPgDatabase(adminUrl);
    // The server's secret key lives in a data folder whichever the engine.
    const dir = tempDir();
    const server = await openServerDb({ databaseUrl: created.url, dataDir: dir });
    return {
      server,
      env: { DATABASE_URL: created.url, DATA_DIR: dir },
      async cleanup() {
        await server.close();
        await created.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

const pgUrl = process.env.DATABASE_URL;
export const backends: Backend[] = pgUrl && /^postgres/.test(pgUrl) ? [sqlite, postgres(pgUrl)] : [sqlite];
export const sqliteBackend = sqlite;
