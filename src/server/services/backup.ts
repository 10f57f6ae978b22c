// Backups of the ward endpoint (issue 14, point 3; the format is in docs/backup.md): one file
// holding a consistent snapshot of the database and the server's secrets from the data folder
// (the server secret, which keys enrolment codes and the audit chain, and the wards' sealing
// key pairs), so a restored server opens what phones sealed and verifies its audit chain.
//
// - SQLite: `VACUUM INTO` a temporary file: one read transaction, so a point-in-time copy, and
//   in WAL mode it does not block the server's writers.
// - PostgreSQL: `pg_dump` of the server's major version, run on a snapshot exported from a
//   REPEATABLE READ transaction in which the table counts of the manifest are taken too.
// - The container (a manifest with the sha256 of each part, then the parts) is encrypted in the
//   age format by `age-encryption` (typage): to a passphrase (scrypt) or to a public key.
//   Only the backup taken at open before schema migrations may be left unencrypted (0600 in a
//   0700 folder beside the database itself) when no BACKUP_RECIPIENT is set.
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import SqliteDatabase from 'better-sqlite3';
import { Decrypter, Encrypter } from 'age-encryption';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { SERVER_SECRET_FILE } from './server-secret.js';
import { WARD_KEYS_DIR } from './ward-keys.js';

export const BACKUP_FORMAT = 1;
const MAGIC = 'GOCUA-BACKUP';
const AGE_MAGIC = 'age-encryption.org/v1\n';
export const BACKUPS_DIR = 'backups';
export const SQLITE_PART = 'database.sqlite';
export const PGDUMP_PART = 'database.pgdump';
/** A passphrase shorter than this is refused: the file may sit on a lost disk for years. */
export const MIN_PASSPHRASE_LENGTH = 10;

/** Why a backup or restore stopped; `exitCode` is the admin CLI's (docs/backup.md). */
export type BackupFailure =
  | 'failed' // 1: anything else (disk full, pg_dump failed, …)
  | 'usage' // 2
  | 'damaged' // 4: not a backup, a checksum or an authentication tag does not match
  | 'wrong_key' // 5: the passphrase or identity does not open the file
  | 'not_empty' // 6: the target database already holds tables
  | 'secret_conflict' // 7: the data folder holds another server's secret or sealing keys
  | 'tool_missing'; // 8: no pg_dump / pg_restore of the server's major version

const EXIT_CODES: Record<BackupFailure, number> = { failed: 1, usage: 2, damaged: 4, wrong_key: 5, not_empty: 6, secret_conflict: 7, tool_missing: 8 };

export class BackupError extends Error {
  constructor(
    readonly failure: BackupFailure,
    message: string,
  ) {
    super(message);
  }
  get exitCode(): number {
    return EXIT_CODES[this.failure];
  }
}

const partSchema = z.object({ name: z.string().regex(/^(database\.(sqlite|pgdump)|server-secret|ward-keys\/[A-Za-z0-9_-]{1,32}\.json)$/), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
const manifestSchema = z
  .object({
    format: z.literal(BACKUP_FORMAT),
    engine: z.enum(['sqlite', 'postgres']),
    createdAt: z.string(),
    appVersion: z.string(),
    latestMigration: z.string().nullable(),
    postgresMajor: z.number().int().optional(),
    tables: z.record(z.string(), z.number().int().nonnegative()),
    auditHeads: z.array(z.object({ wardCode: z.string(), seq: z.number().int(), hash: z.string() }).strict()),
    parts: z.array(partSchema).min(2),
  })
  .strict();
export type BackupManifest = z.infer<typeof manifestSchema>;

export type Encryption = { passphrase: string } | { recipient: string } | { none: true };

export interface BackupSource {
  dialect: 'sqlite' | 'postgres';
  /** SQLite: the open handle of the live database. */
  sqlite?: SqliteDatabase.Database;
  /** PostgreSQL: the server's connection URL. */
  databaseUrl?: string;
  dataDir: string;
}

export interface BackupResult {
  file: string;
  size: number;
  manifest: BackupManifest;
  encryption: 'passphrase' | 'recipient' | 'none';
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** A 0700 scratch folder beside `near` (the same disk as the destination, not a small /tmp). */
function scratchDir(near: string): string {
  mkdirSync(near, { recursive: true, mode: 0o700 });
  return mkdtempSync(path.join(near, '.gocua-backup-'));
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

/** The secrets of a data folder, as backup parts (name → file). */
function secretFiles(dataDir: string): { name: string; file: string }[] {
  const parts: { name: string; file: string }[] = [];
  const secret = path.join(dataDir, SERVER_SECRET_FILE);
  if (!existsSync(secret)) throw new BackupError('failed', `${secret} is missing: the data folder is not the server's (set DATA_DIR)`);
  parts.push({ name: SERVER_SECRET_FILE, file: secret });
  const keysDir = path.join(dataDir, WARD_KEYS_DIR);
  if (existsSync(keysDir)) {
    for (const entry of readdirSync(keysDir).sort()) {
      if (/^[A-Za-z0-9_-]{1,32}\.json$/.test(entry)) parts.push({ name: `${WARD_KEYS_DIR}/${entry}`, file: path.join(keysDir, entry) });
    }
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL tools of the server's major version.

/** libpq environment for a URL, so no password appears on a command line (visible in `ps`). */
export function libpqEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('PG')) delete env[key];
  env.PGHOST = decodeURIComponent(url.hostname) || 'localhost';
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  env.PGDATABASE = decodeURIComponent(url.pathname.replace(/^\//, '')) || env.PGUSER || 'postgres';
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  env.PGCONNECT_TIMEOUT = '10';
  return env;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function serverMajor(client: pg.Client | pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
  return Math.floor(Number(rows[0]!.server_version_num) / 10000);
}

/** /usr/lib/postgresql/<major>/bin/<tool> (Debian), else <tool> on PATH when its major matches. */
export async function findPgTool(tool: 'pg_dump' | 'pg_restore', major: number): Promise<string> {
  const debian = `/usr/lib/postgresql/${major}/bin/${tool}`;
  if (existsSync(debian)) return debian;
  try {
    const { code, stdout } = await run(tool, ['--version'], process.env);
    const found = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    if (code === 0 && found && Number(found[1]) === major) return tool;
    if (code === 0 && found) {
      throw new BackupError('tool_missing', `${tool} on PATH is PostgreSQL ${found[1]}, the server is PostgreSQL ${major}: install postgresql-client-${major} (${debian})`);
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
  }
  throw new BackupError('tool_missing', `no ${tool} for PostgreSQL ${major}: install postgresql-client-${major} (looked for ${debian} and ${tool} on PATH)`);
}

// ---------------------------------------------------------------------------------------------
// Snapshots: the database part, table counts, latest migration and audit heads, all of one
// point in time.

interface Snapshot {
  part: { name: string; file: string };
  tables: Record<string, number>;
  latestMigration: string | null;
  auditHeads: { wardCode: string; seq: number; hash: string }[];
  postgresMajor?: number;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Counts, latest migration and audit heads of a SQLite file (opened read-only). */
export function describeSqliteFile(file: string): Omit<Snapshot, 'part'> {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const names = (db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as { name: string }[]).map((r) => r.name);
    const tables: Record<string, number> = {};
    for (const name of names) tables[name] = (db.prepare(`select count(*) as n from ${quoteIdent(name)}`).get() as { n: number }).n;
    const latestMigration = names.includes('kysely_migration') ? ((db.prepare('select max(name) as name from kysely_migration').get() as { name: string | null }).name ?? null) : null;
    const auditHeads = names.includes('audit_log') && (db.prepare(`select count(*) as n from pragma_table_info('audit_log') where name = 'seq'`).get() as { n: number }).n > 0
      ? (db.prepare(`select a.ward_code as wardCode, a.seq as seq, a.hash as hash from audit_log a where a.seq = (select max(seq) from audit_log b where b.ward_code = a.ward_code) order by a.ward_code`).all() as { wardCode: string; seq: number; hash: string | null }[]).map((h) => ({ ...h, seq: Number(h.seq), hash: h.hash ?? '' }))
      : [];
    return { tables, latestMigration, auditHeads };
  } finally {
    db.close();
  }
}

async function describePostgres(client: pg.Client | pg.PoolClient): Promise<Omit<Snapshot, 'part'>> {
  const { rows } = await client.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  const tables: Record<string, number> = {};
  for (const { table_name: name } of rows) {
    tables[name] = Number((await client.query<{ n: string }>(`select count(*) as n from ${quoteIdent(name)}`)).rows[0]!.n);
  }
  const latestMigration = 'kysely_migration' in tables ? ((await client.query<{ name: string | null }>('select max(name) as name from kysely_migration')).rows[0]!.name ?? null) : null;
  let auditHeads: Snapshot['auditHeads'] = [];
  const hasSeq = (await client.query(`select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'audit_log' and column_name = 'seq'`)).rowCount;
  if (hasSeq) {
    const heads = await client.query<{ ward_code: string; seq: string; hash: string | null }>(
      `select a.ward_code, a.seq, a.hash from audit_log a where a.seq = (select max(seq) from audit_log b where b.ward_code = a.ward_code) order by a.ward_code`,
    );
    auditHeads = heads.rows.map((h) => ({ wardCode: h.ward_code, seq: Number(h.seq), hash: h.hash ?? '' }));
  }
  return { tables, latestMigration, auditHeads };
}

async function snapshotSqlite(sqlite: SqliteDatabase.Database, scratch: string): Promise<Snapshot> {
  const file = path.join(scratch, SQLITE_PART);
  // One read transaction: a point-in-time copy; writers carry on (WAL). Compact and without
  // free pages, so nothing erased lingers in the copy.
  sqlite.prepare('VACUUM INTO ?').run(file);
  chmodSync(file, 0o600);
  return { part: { name: SQLITE_PART, file }, ...describeSqliteFile(file) };
}

async function snapshotPostgres(databaseUrl: string, scratch: string): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const major = await serverMajor(client);
    const pgDump = await findPgTool('pg_dump', major);
    // The dump and the counts see the same snapshot: exported here, held open while pg_dump runs.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshotId = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id;
    const file = path.join(scratch, PGDUMP_PART);
    const dumped = run(pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshotId}`, `--file=${file}`], libpqEnv(databaseUrl));
    const described = await describePostgres(client);
    const { code, stderr } = await dumped;
    await client.query('COMMIT');
    if (code !== 0) throw new BackupError('failed', `pg_dump failed: ${oneLine(stderr)}`);
    chmodSync(file, 0o600);
    return { part: { name: PGDUMP_PART, file }, ...described, postgresMajor: major };
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// The container and its encryption.

function headerLine(manifestBytes: Buffer): Buffer {
  return Buffer.from(`${MAGIC} ${BACKUP_FORMAT} ${manifestBytes.length} ${createHash('sha256').update(manifestBytes).digest('hex')}\n`);
}

async function* containerChunks(manifestBytes: Buffer, parts: { file: string }[]): AsyncGenerator<Uint8Array> {
  yield headerLine(manifestBytes);
  yield manifestBytes;
  for (const part of parts) {
    for await (const chunk of createReadStream(part.file, { highWaterMark: 1 << 20 })) yield new Uint8Array(chunk as Buffer);
  }
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new BackupError('usage', `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
}

function checkRecipient(recipient: string): void {
  if (!/^age1[0-9a-z]{20,}$/.test(recipient)) throw new BackupError('usage', 'the recipient must be an age public key (age1…)');
}

/**
 * Writes a backup of `source` to `out` (through `out.partial`, renamed when complete and
 * re-read, so a failed run leaves no half file under the final name). Mode 0600.
 */
export async function createBackup(source: BackupSource, out: string, encryption: Encryption, now = new Date()): Promise<BackupResult> {
  if ('passphrase' in encryption) checkPassphrase(encryption.passphrase);
  if ('recipient' in encryption) checkRecipient(encryption.recipient);
  const outDir = path.dirname(path.resolve(out));
  const scratch = scratchDir(outDir);
  const partial = `${out}.partial`;
  try {
    const snapshot =
      source.dialect === 'sqlite'
        ? await snapshotSqlite(source.sqlite ?? failNoHandle(), scratch)
        : await snapshotPostgres(source.databaseUrl ?? failNoHandle(), scratch);
    // The secrets are copied into the scratch folder first, so the sizes in the manifest are those written.
    const secretParts = secretFiles(source.dataDir).map((s) => {
      const copy = path.join(scratch, s.name.replace('/', '__'));
      writeFileSync(copy, readFileSync(s.file), { mode: 0o600 });
      return { name: s.name, file: copy };
    });
    const files = [snapshot.part, ...secretParts];
    const parts = [];
    for (const f of files) parts.push({ name: f.name, size: statSync(f.file).size, sha256: await sha256File(f.file) });
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      engine: source.dialect,
      createdAt: now.toISOString(),
      appVersion: appVersion(),
      latestMigration: snapshot.latestMigration,
      ...(snapshot.postgresMajor ? { postgresMajor: snapshot.postgresMajor } : {}),
      tables: snapshot.tables,
      auditHeads: snapshot.auditHeads,
      parts,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    let body: AsyncIterable<Uint8Array>;
    if ('none' in encryption) {
      body = containerChunks(manifestBytes, files);
    } else {
      const encrypter = new Encrypter();
      if ('passphrase' in encryption) encrypter.setPassphrase(encryption.passphrase);
      else encrypter.addRecipient(encryption.recipient);
      body = (await encrypter.encrypt(Readable.toWeb(Readable.from(containerChunks(manifestBytes, files))) as ReadableStream<Uint8Array>)) as unknown as AsyncIterable<Uint8Array>;
    }
    const written = createHash('sha256');
    // Synchronous writes: simple, and nothing left writing when a step fails.
    const fd = openSync(partial, 'w', 0o600);
    try {
      for await (const chunk of body) {
        written.update(chunk);
        writeAll(fd, chunk);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const digest = written.digest('hex');
    if ((await sha256File(partial)) !== digest) throw new BackupError('failed', `${partial}: the file read back differs from what was written (disk error?)`);
    chmodSync(partial, 0o600);
    renameSync(partial, out);
    // A checksum beside the file: `sha256sum -c FILE.sha256` checks a copy without the key.
    writeFileSync(`${out}.sha256`, `${digest}  ${path.basename(out)}\n`, { mode: 0o600 });
    return { file: out, size: statSync(out).size, manifest, encryption: 'none' in encryption ? 'none' : 'passphrase' in encryption ? 'passphrase' : 'recipient' };
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError('failed', oneLine(error));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function failNoHandle(): never {
  throw new BackupError('failed', 'the database handle for the backup is missing');
}

// ---------------------------------------------------------------------------------------------
// Reading a backup: decrypt (or not), check the manifest and every part, unpack to a folder.

export type Decryption = { passphrase: string } | { identity: string } | Record<string, never>;

class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.source.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, Buffer.from(next.value)]) : Buffer.from(next.value);
    return true;
  }

  async line(max: number): Promise<string> {
    for (;;) {
      const at = this.buffered.indexOf(0x0a);
      if (at >= 0) {
        const text = this.buffered.subarray(0, at).toString('utf8');
        this.buffered = this.buffered.subarray(at + 1);
        return text;
      }
      if (this.buffered.length > max || !(await this.fill())) throw new BackupError('damaged', 'this is not a Gõ Cửa backup (no header line)');
    }
  }

  /** Passes exactly `size` bytes to `sink`, in pieces. */
  async take(size: number, sink: (chunk: Buffer) => void | Promise<void>): Promise<void> {
    let left = size;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.fill())) throw new BackupError('damaged', 'the backup is truncated');
      const piece = this.buffered.subarray(0, Math.min(left, this.buffered.length));
      this.buffered = this.buffered.subarray(piece.length);
      left -= piece.length;
      await sink(piece);
    }
  }

  async atEnd(): Promise<boolean> {
    return this.buffered.length === 0 && !(await this.fill());
  }
}

function readStart(file: string, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(fd, buf, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** What the age header says the file is encrypted to (its stanzas' types). */
function ageStanzaTypes(file: string): string[] {
  const head = readStart(file, 4096).toString('latin1');
  return [...head.split('\n---')[0]!.matchAll(/^-> (\S+)/gm)].map((m) => m[1]!);
}

export function backupEncryptionOf(file: string): 'passphrase' | 'recipient' | 'none' | 'unknown' {
  const start = readStart(file, 32).toString('latin1');
  if (start.startsWith(AGE_MAGIC)) return ageStanzaTypes(file).includes('scrypt') ? 'passphrase' : 'recipient';
  if (start.startsWith(`${MAGIC} `)) return 'none';
  return 'unknown';
}

function describeAgeError(error: unknown, file: string, decryption: Decryption): BackupError {
  const message = oneLine(error);
  if (/no identity matched/i.test(message)) {
    const kind = backupEncryptionOf(file);
    if (kind === 'recipient' && !('identity' in decryption)) return new BackupError('wrong_key', 'this backup is encrypted to a public key (age1…): give its identity file with --identity FILE');
    if (kind === 'passphrase' && !('passphrase' in decryption)) return new BackupError('wrong_key', 'this backup is encrypted with a passphrase: give it with --passphrase-stdin or --passphrase-file');
    return new BackupError('wrong_key', 'wrong passphrase or identity: it does not open this backup');
  }
  return new BackupError('damaged', `the backup file is damaged (${message})`);
}

/** Decrypts and checks `file`, unpacking its parts into `into` (a 0700 folder). */
export async function unpackBackup(file: string, decryption: Decryption, into: string): Promise<{ manifest: BackupManifest; files: Map<string, string> }> {
  if (!existsSync(file)) throw new BackupError('usage', `no such file: ${file}`);
  const kind = backupEncryptionOf(file);
  if (kind === 'unknown') throw new BackupError('damaged', `${file} is not a Gõ Cửa backup (neither an age file nor ${MAGIC})`);
  let source: AsyncIterator<Uint8Array>;
  if (kind === 'none') {
    source = (createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  } else {
    const decrypter = new Decrypter();
    if ('passphrase' in decryption) decrypter.addPassphrase(decryption.passphrase);
    else if ('identity' in decryption) decrypter.addIdentity(decryption.identity);
    else throw new BackupError('wrong_key', kind === 'recipient' ? 'this backup is encrypted: give its identity file with --identity FILE' : 'this backup is encrypted: give its passphrase with --passphrase-stdin or --passphrase-file');
    try {
      const web = Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>;
      const plain = await decrypter.decrypt(web);
      source = (plain as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    } catch (error) {
      throw describeAgeError(error, file, decryption);
    }
  }
  const reader = new ByteReader(source);
  try {
    const header = /^GOCUA-BACKUP (\d+) (\d+) ([0-9a-f]{64})$/.exec(await reader.line(256));
    if (!header) throw new BackupError('damaged', 'this is not a Gõ Cửa backup (bad header line)');
    if (Number(header[1]) !== BACKUP_FORMAT) throw new BackupError('damaged', `backup format ${header[1]} is not known to this version (it reads format ${BACKUP_FORMAT})`);
    const manifestLength = Number(header[2]);
    if (manifestLength > 16 << 20) throw new BackupError('damaged', 'the backup manifest is implausibly large');
    const pieces: Buffer[] = [];
    await reader.take(manifestLength, (c) => void pieces.push(Buffer.from(c)));
    const manifestBytes = Buffer.concat(pieces);
    if (createHash('sha256').update(manifestBytes).digest('hex') !== header[3]) throw new BackupError('damaged', 'the backup manifest does not match its checksum');
    let parsed;
    try {
      parsed = manifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) throw new BackupError('damaged', 'the backup manifest is not valid');
    const manifest = parsed.data;
    if (!manifest.parts.some((p) => p.name === SERVER_SECRET_FILE) || !manifest.parts.some((p) => p.name === (manifest.engine === 'sqlite' ? SQLITE_PART : PGDUMP_PART))) {
      throw new BackupError('damaged', 'the backup lacks its database or server secret');
    }
    const files = new Map<string, string>();
    for (const part of manifest.parts) {
      const target = path.join(into, part.name.replace('/', '__'));
      const hash = createHash('sha256');
      // Synchronous writes: a failure half-way leaves no stream writing into a removed folder.
      const fd = openSync(target, 'w', 0o600);
      try {
        await reader.take(part.size, (c) => {
          hash.update(c);
          writeAll(fd, c);
        });
      } finally {
        closeSync(fd);
      }
      if (hash.digest('hex') !== part.sha256) throw new BackupError('damaged', `the backup is damaged: ${part.name} does not match its checksum`);
      files.set(part.name, target);
    }
    if (!(await reader.atEnd())) throw new BackupError('damaged', 'the backup has bytes after its last part');
    return { manifest, files };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw describeAgeError(error, file, decryption);
  }
}

// ---------------------------------------------------------------------------------------------
// Restoring into an empty target.

export interface RestoreTarget {
  dataDir: string;
  /** postgres://… when the target is PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl?: string;
}

export const SQLITE_FILE = 'go-cua.sqlite';

async function sqliteIsEmpty(file: string): Promise<boolean> {
  if (!existsSync(file) || statSync(file).size === 0) return true;
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`select count(*) as n from sqlite_master where type = 'table'`).get() as { n: number }).n === 0;
  } finally {
    db.close();
  }
}

async function postgresTableCount(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`);
  return Number(rows[0]!.n);
}

/** Refuses when the data folder holds a secret (or a ward's keys) other than the backup's. */
/** The key ids of a ward key file, or null when it cannot be read as one. */
function kidsOf(file: string): Set<string> | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: { kid?: unknown }[] };
    return new Set((parsed.keys ?? []).map((k) => String(k.kid)));
  } catch {
    return null;
  }
}

/**
 * Which secret files of the backup are written: all of them where the data folder has none or
 * the same. A ward key file already there that holds every key of the backup's (a rotation
 * since, e.g. when rolling back an upgrade) is kept. Anything else that differs — another
 * server's secret, keys the backup does not know — is refused: nothing is overwritten.
 */
function checkSecrets(dataDir: string, files: Map<string, string>): Set<string> {
  const keep = new Set<string>();
  for (const [name, file] of files) {
    if (name !== SERVER_SECRET_FILE && !name.startsWith(`${WARD_KEYS_DIR}/`)) continue;
    const existing = path.join(dataDir, name);
    if (!existsSync(existing) || readFileSync(existing).equals(readFileSync(file))) continue;
    if (name.startsWith(`${WARD_KEYS_DIR}/`)) {
      const had = kidsOf(existing);
      const backedUp = kidsOf(file);
      if (had && backedUp && [...backedUp].every((kid) => had.has(kid))) {
        keep.add(name);
        continue;
      }
    }
    throw new BackupError(
      'secret_conflict',
      `${existing} exists and differs from the backup's: it belongs to another server (or a fresh start). Nothing was changed; move it away if it is not needed, then restore again`,
    );
  }
  return keep;
}

function writeSecrets(dataDir: string, files: Map<string, string>, keep: Set<string>): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const [name, file] of files) {
    if (name !== SERVER_SECRET_FILE && !name.startsWith(`${WARD_KEYS_DIR}/`)) continue;
    const target = path.join(dataDir, name);
    if (name.startsWith(`${WARD_KEYS_DIR}/`)) {
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      chmodSync(path.dirname(target), 0o700);
    }
    if (keep.has(name)) {
      process.stderr.write(`${target}: kept (it holds every key of the backup's, and newer ones)\n`);
      chmodSync(target, 0o600);
      continue;
    }
    const temp = `${target}.restoring`;
    writeFileSync(temp, readFileSync(file), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, target);
  }
}

/** Counts per table of a restored target (before any migration), to compare with the manifest. */
export async function countTarget(target: RestoreTarget): Promise<Record<string, number>> {
  if (!target.databaseUrl) return describeSqliteFile(path.join(target.dataDir, SQLITE_FILE)).tables;
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    return (await describePostgres(client)).tables;
  } finally {
    await client.end();
  }
}

function compareCounts(expected: Record<string, number>, found: Record<string, number>): void {
  const differ = Object.keys({ ...expected, ...found }).filter((t) => expected[t] !== found[t]);
  if (differ.length > 0) {
    throw new BackupError('damaged', `the restored counts differ from the backup's manifest: ${differ.map((t) => `${t} ${found[t] ?? 'missing'} ≠ ${expected[t] ?? 'none'}`).join(', ')}`);
  }
}

/**
 * Restores an unpacked backup into `target`, which must be empty; the secrets go to the
 * target's data folder (0600 files, 0700 folders). Checks the counts against the manifest.
 */
export async function restoreUnpacked(unpacked: { manifest: BackupManifest; files: Map<string, string> }, target: RestoreTarget): Promise<Record<string, number>> {
  const { manifest, files } = unpacked;
  const engine = target.databaseUrl ? 'postgres' : 'sqlite';
  if (manifest.engine !== engine) {
    throw new BackupError(
      'usage',
      manifest.engine === 'sqlite'
        ? 'this backup is of a SQLite database: restore it without DATABASE_URL (into DATA_DIR)'
        : 'this backup is of a PostgreSQL database: restore it with DATABASE_URL set to an empty database',
    );
  }
  if (engine === 'sqlite') {
    const file = path.join(target.dataDir, SQLITE_FILE);
    if (!(await sqliteIsEmpty(file))) throw new BackupError('not_empty', `${file} already holds a database: restore only into an empty data folder (move the file away first)`);
    const keep = checkSecrets(target.dataDir, files);
    mkdirSync(target.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(target.dataDir, 0o700);
    writeSecrets(target.dataDir, files, keep);
    const temp = `${file}.restoring`;
    writeFileSync(temp, readFileSync(files.get(SQLITE_PART)!), { mode: 0o600 });
    chmodSync(temp, 0o600);
    for (const leftover of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) if (existsSync(leftover)) unlinkSync(leftover);
    renameSync(temp, file);
  } else {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    let major: number;
    try {
      if ((await postgresTableCount(client)) > 0) {
        throw new BackupError('not_empty', `the database ${new URL(target.databaseUrl!).pathname.slice(1)} already holds tables: restore only into an empty database (createdb a new one)`);
      }
      major = await serverMajor(client);
    } finally {
      await client.end();
    }
    const keep = checkSecrets(target.dataDir, files);
    const pgRestore = await findPgTool('pg_restore', major);
    writeSecrets(target.dataDir, files, keep);
    const { code, stderr } = await run(pgRestore, ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${libpqEnv(target.databaseUrl!).PGDATABASE}`, files.get(PGDUMP_PART)!], libpqEnv(target.databaseUrl!));
    if (code !== 0) throw new BackupError('failed', `pg_restore failed: ${oneLine(stderr)}`);
  }
  const counts = await countTarget(target);
  compareCounts(manifest.tables, counts);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Scheduled runs: a timestamped file in a folder, the newest N kept.

const SCHEDULED_NAME = /^gocua-backup-\d{8}T\d{9}Z\.age$/;

export function scheduledFileName(now: Date): string {
  return `gocua-backup-${now.toISOString().replace(/[-:.]/g, '')}.age`;
}

/** Deletes all but the newest `keep` scheduled backups of `dir` (and their .sha256); returns the deleted names. */
export function pruneBackups(dir: string, keep: number): string[] {
  const names = readdirSync(dir).filter((n) => SCHEDULED_NAME.test(n)).sort().reverse();
  const removed = names.slice(keep);
  for (const name of removed) {
    rmSync(path.join(dir, name), { force: true });
    rmSync(path.join(dir, `${name}.sha256`), { force: true });
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// The record of runs (backup_runs), for the dashboard and /api/health.

export type BackupKind = 'manual' | 'scheduled' | 'pre_migration';

export interface BackupRun {
  kind: BackupKind;
  startedAt: Date;
  finishedAt: Date;
  ok: boolean;
  size?: number;
  file?: string;
  encryption?: 'passphrase' | 'recipient' | 'none';
  error?: string;
}

export async function recordBackupRun(db: Kysely<Database>, run: BackupRun): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('backup_runs')
    .values({
      id,
      kind: run.kind,
      started_at: run.startedAt.toISOString(),
      finished_at: run.finishedAt.toISOString(),
      ok: run.ok ? 1 : 0,
      size_bytes: run.size ?? null,
      file: run.file ?? null,
      encryption: run.encryption ?? null,
      error: run.error ? run.error.slice(0, 500) : null,
    })
    .execute();
  return id;
}

export interface BackupStatus {
  lastSuccess: { at: string; ageSeconds: number; kind: BackupKind; sizeBytes: number; encryption: string | null } | null;
  lastFailure: { at: string; kind: BackupKind; error: string } | null;
}

export async function backupStatus(db: Kysely<Database>, now = new Date()): Promise<BackupStatus> {
  const good = await db.selectFrom('backup_runs').selectAll().where('ok', '=', 1).orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  const bad = await db.selectFrom('backup_runs').selectAll().where('ok', '=', 0).orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  return {
    lastSuccess: good ? { at: good.finished_at, ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(good.finished_at)) / 1000)), kind: good.kind, sizeBytes: Number(good.size_bytes ?? 0), encryption: good.encryption } : null,
    // A failure older than the last success is history, not a warning.
    lastFailure: bad && (!good || bad.finished_at > good.finished_at) ? { at: bad.finished_at, kind: bad.kind, error: bad.error ?? '' } : null,
  };
}

/** A random name for a temporary database or folder. */
export function tempName(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}
