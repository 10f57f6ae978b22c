// The admin CLI's backup, restore and backup verify commands (docs/backup.md). Kept apart from
// admin.ts: restore and verify must not open (and so create or migrate) the live database.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openServerDb, type ServerDb } from '../db/connect.js';
import { verifyAuditChain } from '../services/audit.js';
import { auditRestore, sayBackupFailed, takeBackup } from '../services/backup-runs.js';
import { BackupError, SQLITE_FILE, pruneBackups, restoreUnpacked, scheduledFileName, tempName, unpackBackup, type Decryption, type Encryption } from '../services/backup.js';

export const BACKUP_USAGE = `  backup --out FILE (--passphrase-stdin | --passphrase-file F | --recipient AGE_PUBLIC_KEY)
                                               a consistent, encrypted backup of the database and
                                               the server's secrets while the server runs; prints
                                               FILE<TAB>BYTES
  backup --dir DIR --keep N (--recipient KEY | --passphrase-file F)
                                               one shot for a timer: DIR/gocua-backup-<time>.age,
                                               only the newest N kept (BACKUP_RECIPIENT or
                                               BACKUP_PASSPHRASE_FILE in the environment also do)
  backup verify FILE (--passphrase-stdin | --passphrase-file F | --identity F)
                                               test-restores into a temporary database: TABLE<TAB>
                                               NAME<TAB>COUNT, then AUDIT<TAB>OK|BROKEN<TAB>WARD<TAB>…
  restore --in FILE (--passphrase-stdin | --passphrase-file F | --identity F)
                                               into the EMPTY database of DATA_DIR / DATABASE_URL,
                                               with the server secret and sealing keys
  exit codes: 1 failed, 2 usage, 3 audit chain broken, 4 damaged file, 5 wrong passphrase or
  identity, 6 target not empty, 7 another server's secret in DATA_DIR, 8 no pg_dump/pg_restore
  of the server's major version`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const stripNewline = (text: string) => text.replace(/\r?\n$/, '');

interface KeyOptions {
  'passphrase-stdin'?: boolean;
  'passphrase-file'?: string;
  recipient?: string;
  identity?: string;
}

const KEY_OPTIONS = {
  'passphrase-stdin': { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  recipient: { type: 'string' },
  identity: { type: 'string' },
} as const;

function readKeyFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new BackupError('usage', `cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

async function encryptionFrom(values: KeyOptions): Promise<Encryption> {
  const passphraseFile = values['passphrase-file'] ?? (values.recipient ? undefined : process.env.BACKUP_PASSPHRASE_FILE?.trim() || undefined);
  const recipient = values.recipient ?? (values['passphrase-stdin'] || passphraseFile ? undefined : process.env.BACKUP_RECIPIENT?.trim() || undefined);
  const given = [values['passphrase-stdin'], passphraseFile, recipient].filter(Boolean).length;
  if (given !== 1) throw new BackupError('usage', 'give exactly one of --passphrase-stdin, --passphrase-file F or --recipient AGE_PUBLIC_KEY');
  if (recipient) return { recipient: recipient.trim() };
  return { passphrase: stripNewline(values['passphrase-stdin'] ? await readStdin() : readKeyFile(passphraseFile!, 'passphrase')) };
}

async function decryptionFrom(values: KeyOptions): Promise<Decryption> {
  const passphraseFile = values['passphrase-file'] ?? process.env.BACKUP_PASSPHRASE_FILE?.trim() ?? undefined;
  if (values.identity) {
    const keys = readKeyFile(values.identity, 'identity')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('AGE-SECRET-KEY-'));
    if (keys.length === 0) throw new BackupError('usage', `${values.identity} holds no age identity (AGE-SECRET-KEY-…)`);
    return { identity: keys[0]! };
  }
  if (values['passphrase-stdin']) return { passphrase: stripNewline(await readStdin()) };
  if (passphraseFile) return { passphrase: stripNewline(readKeyFile(passphraseFile, 'passphrase')) };
  return {};
}

function environment() {
  const url = process.env.DATABASE_URL?.trim();
  return { dataDir: process.env.DATA_DIR?.trim() || './data', databaseUrl: url && /^postgres(ql)?:\/\//.test(url) ? url : undefined };
}

export function openOptions() {
  const recipient = process.env.BACKUP_RECIPIENT?.trim() || undefined;
  return process.env.BACKUP_BEFORE_MIGRATIONS?.trim() === 'off' ? {} : { backupBeforeMigrations: { recipient } };
}

async function prepareBackup(args: string[]) {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, dir: { type: 'string' }, keep: { type: 'string' }, ...KEY_OPTIONS } });
  if (values.identity) throw new BackupError('usage', '--identity is for restore and verify; a backup takes --recipient');
  if (Boolean(values.out) === Boolean(values.dir)) throw new BackupError('usage', 'give --out FILE, or --dir DIR with --keep N');
  let keep: number | null = null;
  if (values.dir) {
    keep = Number(values.keep ?? NaN);
    if (!Number.isInteger(keep) || keep < 1) throw new BackupError('usage', '--keep N (a whole number ≥ 1) is required with --dir');
  }
  return { values, keep, encryption: await encryptionFrom(values) };
}

/** `backup …` (not verify): opens the live database; a failure anywhere is a loud BACKUP FAILED. */
async function backup(args: string[]): Promise<number> {
  // A timer's run that stops on its arguments (a missing key file) is as loud as any failure.
  let prepared;
  try {
    prepared = await prepareBackup(args);
  } catch (error) {
    sayBackupFailed(error instanceof Error ? error.message : String(error));
    throw error;
  }
  const { values, keep, encryption } = prepared;
  const { dataDir, databaseUrl } = environment();
  // Opening would create an empty database where there is none: a wrong DATA_DIR must not
  // "succeed" with a backup of nothing.
  if (!databaseUrl && !existsSync(path.join(dataDir, SQLITE_FILE))) {
    const message = `no database in ${dataDir} (${SQLITE_FILE}): set DATA_DIR (or DATABASE_URL) as the server has it`;
    sayBackupFailed(message);
    throw new BackupError('usage', message);
  }
  let server: ServerDb;
  try {
    server = await openServerDb({ dataDir, databaseUrl, ...openOptions() });
  } catch (error) {
    sayBackupFailed(`cannot open the database: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  try {
    const now = new Date();
    const out = values.out ?? path.join(values.dir!, scheduledFileName(now));
    const result = await takeBackup({ db: server.db, dialect: server.dialect, sqlite: server.sqlite, databaseUrl, dataDir }, values.dir ? 'scheduled' : 'manual', out, encryption);
    process.stdout.write(`${result.file}\t${result.size}\n`);
    const tables = Object.entries(result.manifest.tables);
    process.stderr.write(`backup written: ${result.file} (${result.size} bytes, ${result.encryption}, ${tables.length} tables)\n`);
    if (keep !== null) {
      const removed = pruneBackups(values.dir!, keep);
      if (removed.length > 0) process.stderr.write(`removed ${removed.length} older backup(s), ${keep} kept\n`);
    }
    return 0;
  } finally {
    await server.close();
  }
}

function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), 'gocua-restore-'));
}

async function printAuditChecks(server: ServerDb): Promise<boolean> {
  let ok = true;
  for (const { code } of await server.db.selectFrom('wards').select('code').orderBy('code').execute()) {
    const check = await verifyAuditChain(server.db, code);
    const head = `head seq=${check.head.seq} hash=${check.head.hash || '-'}`;
    if (check.ok) process.stdout.write(`AUDIT\tOK\t${code}\t${check.entries} entries\t${head}\n`);
    else {
      ok = false;
      process.stdout.write(`AUDIT\tBROKEN\t${code}\tseq=${check.brokenAt}\t${check.reason}\t${head}\n`);
    }
  }
  return ok;
}

async function restore(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { in: { type: 'string' }, ...KEY_OPTIONS } });
  if (!values.in) throw new BackupError('usage', '--in FILE is required');
  if (values.recipient) throw new BackupError('usage', '--recipient is for backups; a restore takes --identity FILE');
  const decryption = await decryptionFrom(values);
  const target = environment();
  const work = scratch();
  try {
    const unpacked = await unpackBackup(values.in, decryption, work);
    const counts = await restoreUnpacked(unpacked, target);
    const server = await openServerDb({ ...target, backupBeforeMigrations: undefined });
    try {
      await auditRestore(server.db, values.in, unpacked.manifest.createdAt);
      const chainsOk = await printAuditChecks(server);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      process.stderr.write(`restored ${values.in} (taken ${unpacked.manifest.createdAt}) into ${server.location}: ${Object.keys(counts).length} tables, ${total} rows; server secret and ${[...unpacked.files.keys()].filter((n) => n.startsWith('ward-keys/')).length} ward key file(s) in ${target.dataDir}\n`);
      return chainsOk ? 0 : 3;
    } finally {
      await server.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...KEY_OPTIONS } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new BackupError('usage', 'backup verify FILE');
  const decryption = await decryptionFrom(values);
  const work = scratch();
  let dropDatabase: (() => Promise<void>) | null = null;
  try {
    const unpacked = await unpackBackup(file, decryption, path.join(work));
    const dataDir = path.join(work, 'data');
    let databaseUrl: string | undefined;
    if (unpacked.manifest.engine === 'postgres') {
      // A database of its own on the server of DATABASE_URL, dropped afterwards.
      const admin = environment().databaseUrl;
      if (!admin) throw new BackupError('usage', 'this backup is of PostgreSQL: set DATABASE_URL to a server where a temporary database may be created');
      const name = tempName('gocua_verify_');
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      const url = new URL(admin);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      dropDatabase = async () => {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      };
    }
    const counts = await restoreUnpacked(unpacked, { dataDir, databaseUrl });
    for (const [table, n] of Object.entries(counts)) process.stdout.write(`TABLE\t${table}\t${n}\n`);
    const server = await openServerDb({ dataDir, databaseUrl });
    let chainsOk: boolean;
    try {
      chainsOk = await printAuditChecks(server);
    } finally {
      await server.close();
    }
    const m = unpacked.manifest;
    process.stderr.write(`backup ${file}: format ${m.format}, ${m.engine}, taken ${m.createdAt} by version ${m.appVersion} (migration ${m.latestMigration ?? '-'}); every checksum and count matches; ${chainsOk ? 'audit chains verify' : 'AN AUDIT CHAIN IS BROKEN'}\n`);
    return chainsOk ? 0 : 3;
  } finally {
    await dropDatabase?.().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs `backup …`, `backup verify …` or `restore …`; the exit code (BackupError gives its own). */
export async function runBackupCommand(command: 'backup' | 'restore', args: string[]): Promise<number> {
  try {
    if (command === 'restore') return await restore(args);
    if (args[0] === 'verify') return await verify(args.slice(1));
    return await backup(args);
  } catch (error) {
    if (error instanceof BackupError) {
      process.stderr.write(`admin: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`admin: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
