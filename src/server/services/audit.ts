// The ward's audit log: who signed in (or failed to), enrolled or revoked a phone, looked at
// residents' data, voided, exported, or changed the register, targets, settings, accounts or
// devices — when, and from where (client IP, user agent). Config changes carry old → new.
// Never written here: passwords, tokens, enrolment codes, names, phones, CCCD or addresses of
// residents (ids and field paths only).
//
// Tamper evidence (issue 12 point 5): the log of each ward is one append-only chain. Entry n
// holds seq n, the hash of entry n-1 and its own hash = HMAC-SHA256(key, prev_hash ‖ "\n" ‖
// canonical JSON of its fields). The key is derived (HKDF, label below) from the server secret
// of the data folder (server-secret.ts), never stored in the database: someone who can edit the
// database but not read that file cannot recompute the hashes after changing, inserting or
// removing an entry, and verifyAuditChain finds the first broken place. Cutting entries off the
// END leaves a shorter valid chain: the chain head (seq + hash) printed on every export and
// backup is what shows that. A trigger (migration 20261203T103000-audit-chain) also refuses
// UPDATE and DELETE, and this module has no path that changes or removes an entry.
//
// Writers of one ward are serialised so the chain never forks: on SQLite every write
// transaction begins IMMEDIATE (db/connect.ts), on PostgreSQL a transaction-scoped advisory lock
// per ward is taken before reading the head; a unique (ward_code, seq) index backs both.
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditAction, AuditEntry, ChainCheck, ChainHead } from '../../shared/protocol/audit.js';
import type { Database } from '../db/schema.js';

// The action names and the viewer's answer shapes are shared with the dashboard.
export { AUDIT_ACTIONS } from '../../shared/protocol/audit.js';
export type { AuditAction, AuditEntry, ChainCheck, ChainHead } from '../../shared/protocol/audit.js';

/**
 * Who acted. A StaffPrincipal fits as it is; the dashboard's preHandler adds the request's
 * client IP and user agent to it (routes/dashboard-access.ts), so every caller passing `who`
 * records where the request came from without a change of signature.
 */
export interface AuditActor {
  userId: string;
  username: string;
  wardCode: string;
  ip?: string | null;
  userAgent?: string | null;
}

/** Where a request came from, for writers that have no principal carrying it (sign-in, enrolment). */
export interface AuditContext {
  ip?: string | null;
  userAgent?: string | null;
}

// ---------------------------------------------------------------------------------------------
// The key: registered per database handle by openServerDb. Kysely's transactions share the
// dialect adapter of the Kysely instance they come from, so the adapter identifies the handle
// for both `db` and `trx`.

interface ChainSetup {
  key: Buffer;
  postgres: boolean;
}
const setups = new WeakMap<object, ChainSetup>();
const AUDIT_KEY_LABEL = 'go-cua audit chain v1';

/** HKDF-SHA256 of the server secret with the audit label: a key used for nothing else. */
export function deriveAuditKey(serverSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), AUDIT_KEY_LABEL, 32));
}

/** Called by openServerDb: the chain of this database is keyed from `serverSecret`. */
export function registerAuditKey(db: Kysely<Database>, serverSecret: Buffer, dialect: 'sqlite' | 'postgres'): void {
  setups.set(db.getExecutor().adapter, { key: deriveAuditKey(serverSecret), postgres: dialect === 'postgres' });
}

function setupOf(db: Kysely<Database> | Transaction<Database>): ChainSetup {
  const setup = setups.get(db.getExecutor().adapter);
  if (!setup) throw new Error('The audit chain key is not registered for this database (open it with openServerDb).');
  return setup;
}

type StoredRow = Database['audit_log'];

/** The fields an entry's hash covers, in a fixed order (a JSON array is canonical as it is). */
function canonical(row: Omit<StoredRow, 'prev_hash' | 'hash'>): string {
  return JSON.stringify([
    1,
    row.ward_code,
    Number(row.seq),
    row.id,
    row.at,
    row.actor_id,
    row.actor_name,
    row.action,
    row.target,
    row.detail,
    row.ip,
    row.user_agent,
  ]);
}

function entryHash(key: Buffer, prevHash: string, row: Omit<StoredRow, 'prev_hash' | 'hash'>): string {
  return createHmac('sha256', key).update(`${prevHash}\n${canonical(row)}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function lockChain(trx: Transaction<Database>, setup: ChainSetup, wardCode: string): Promise<void> {
  // SQLite: the transaction began IMMEDIATE and holds the database's one write lock already.
  if (setup.postgres) await sql`select pg_advisory_xact_lock(hashtext(${'audit:' + wardCode}))`.execute(trx);
}

async function headOf(db: Kysely<Database> | Transaction<Database>, wardCode: string): Promise<ChainHead> {
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('ward_code', '=', wardCode)
    .where('seq', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { wardCode, seq: row ? Number(row.seq) : 0, hash: row?.hash ?? '' };
}

async function inTransaction<T>(db: Kysely<Database> | Transaction<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/**
 * The chain of a province's log (issue 15): city accounts' sign-ins and every city read are
 * written there, one chain per province beside the wards' chains, viewed by the city admin.
 * No ward code has this shape (ward codes are digits), so the chains never mix.
 */
export function provinceChain(provinceCode: string): string {
  return `province:${provinceCode}`;
}

/** Appends one entry to the actor's ward chain (inside the caller's transaction when given one). */
export async function writeAudit(
  db: Kysely<Database> | Transaction<Database>,
  actor: AuditActor,
  action: AuditAction,
  target: string | null,
  detail: unknown = {},
  now = new Date(),
  context: AuditContext = {},
): Promise<void> {
  const setup = setupOf(db);
  await inTransaction(db, async (trx) => {
    await lockChain(trx, setup, actor.wardCode);
    const head = await headOf(trx, actor.wardCode);
    const row = {
      id: randomUUID(),
      ward_code: actor.wardCode,
      seq: head.seq + 1,
      at: now.toISOString(),
      actor_id: actor.userId,
      actor_name: actor.username,
      action,
      target,
      detail: JSON.stringify(detail),
      ip: clip(context.ip ?? actor.ip ?? null, 64),
      user_agent: clip(context.userAgent ?? actor.userAgent ?? null, 300),
    };
    await trx
      .insertInto('audit_log')
      .values({ ...row, prev_hash: head.hash, hash: entryHash(setup.key, head.hash, row) })
      .execute();
  });
}

const clip = (text: string | null, max: number): string | null => (text === null || text === '' ? null : text.slice(0, max));

/**
 * Chains rows that have no place yet (written before migration 20261203T103000-audit-chain, or
 * by an older build), per ward after the current head in (at, id) order. Called at every open;
 * returns how many rows it chained. The only UPDATE of audit_log, and only of unchained rows
 * (the trigger refuses any other).
 */
export async function sealAuditChains(db: Kysely<Database>): Promise<number> {
  const setup = setupOf(db);
  const wards = await db.selectFrom('audit_log').select('ward_code').distinct().where('seq', 'is', null).execute();
  let sealed = 0;
  for (const { ward_code: wardCode } of wards) {
    sealed += await db.transaction().execute(async (trx) => {
      await lockChain(trx, setup, wardCode);
      let head = await headOf(trx, wardCode);
      const rows = await trx.selectFrom('audit_log').selectAll().where('ward_code', '=', wardCode).where('seq', 'is', null).orderBy('at').orderBy('id').execute();
      for (const r of rows) {
        const row = { ...r, seq: head.seq + 1, ip: r.ip ?? null, user_agent: r.user_agent ?? null };
        const hash = entryHash(setup.key, head.hash, row);
        await trx.updateTable('audit_log').set({ seq: row.seq, prev_hash: head.hash, hash }).where('id', '=', r.id).where('seq', 'is', null).execute();
        head = { wardCode, seq: row.seq, hash };
      }
      return rows.length;
    });
  }
  return sealed;
}

/** Walks a ward's chain from seq 1: ok with the head, or the first seq where it breaks. */
export async function verifyAuditChain(db: Kysely<Database>, wardCode: string): Promise<ChainCheck> {
  const { key } = setupOf(db);
  let prev = '';
  let expected = 1;
  let entries = 0;
  let head: ChainHead = { wardCode, seq: 0, hash: '' };
  let broken: { brokenAt: number; reason: Exclude<ChainCheck, { ok: true }>['reason'] } | null = null;
  const PAGE = 2000;
  for (let after = 0; ; ) {
    const rows = await db.selectFrom('audit_log').selectAll().where('ward_code', '=', wardCode).where('seq', '>', after).orderBy('seq').limit(PAGE).execute();
    for (const r of rows) {
      entries++;
      const seq = Number(r.seq);
      head = { wardCode, seq, hash: r.hash ?? '' };
      if (broken) continue;
      if (seq !== expected) broken = { brokenAt: expected, reason: 'seq_gap' };
      else if (!sameHash(r.prev_hash ?? '', prev)) broken = { brokenAt: seq, reason: 'prev_hash_mismatch' };
      else if (!sameHash(r.hash ?? '', entryHash(key, prev, r))) broken = { brokenAt: seq, reason: 'hash_mismatch' };
      prev = r.hash ?? '';
      expected = seq + 1;
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  const unchained = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('ward_code', '=', wardCode).where('seq', 'is', null).executeTakeFirstOrThrow();
  if (!broken && Number(unchained.n) > 0) broken = { brokenAt: head.seq + 1, reason: 'unchained_rows' };
  return broken ? { ok: false, entries, head, ...broken } : { ok: true, entries, head };
}

/** The head (last seq and hash) of a ward's chain, printed on exports. */
export async function auditChainHead(db: Kysely<Database> | Transaction<Database>, wardCode: string): Promise<ChainHead> {
  return headOf(db, wardCode);
}

/** The head of every ward's chain (for backups, #14: print or store them beside the copy). */
export async function auditChainHeads(db: Kysely<Database>): Promise<ChainHead[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select((eb) => ['ward_code', eb.fn.max('seq').as('seq')])
    .where('seq', 'is not', null)
    .groupBy('ward_code')
    .orderBy('ward_code')
    .execute();
  const heads: ChainHead[] = [];
  for (const r of rows) {
    const top = await db.selectFrom('audit_log').select('hash').where('ward_code', '=', r.ward_code).where('seq', '=', Number(r.seq)).executeTakeFirst();
    heads.push({ wardCode: r.ward_code, seq: Number(r.seq), hash: top?.hash ?? '' });
  }
  return heads;
}

/** One line naming a chain head, for the foot of exports: "audit chain PHULIEN #42 3f2a…". */
export function chainHeadLine(head: ChainHead): string {
  return `audit-chain ${head.wardCode} seq=${head.seq} hash=${head.hash || '-'}`;
}

export interface AuditQuery {
  action?: string;
  actorId?: string;
  /** ISO date-times, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Entries with seq below this (the next page of a newest-first list). */
  beforeSeq?: number;
  limit?: number;
}

function toEntry(r: StoredRow): AuditEntry {
  return {
    id: r.id,
    seq: r.seq === null ? null : Number(r.seq),
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action as AuditAction,
    target: r.target,
    detail: JSON.parse(r.detail) as unknown,
    ip: r.ip ?? null,
    userAgent: r.user_agent ?? null,
  };
}

/** A ward's entries, newest first (by place in the chain), filtered. */
export async function listAudit(db: Kysely<Database>, wardCode: string, options: AuditQuery = {}): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().where('ward_code', '=', wardCode);
  if (options.action) q = q.where('action', '=', options.action);
  if (options.actorId) q = q.where('actor_id', '=', options.actorId);
  if (options.from) q = q.where('at', '>=', options.from);
  if (options.to) q = q.where('at', '<', options.to);
  if (options.beforeSeq !== undefined) q = q.where('seq', '<', options.beforeSeq);
  const rows = await q.orderBy('seq', 'desc').orderBy('at', 'desc').orderBy('id').limit(options.limit ?? 100).execute();
  return rows.map(toEntry);
}

/** Who appears as an actor in a ward's log (the viewer's actor filter). */
export async function auditActors(db: Kysely<Database>, wardCode: string): Promise<{ actorId: string; actorName: string }[]> {
  const rows = await db.selectFrom('audit_log').select(['actor_id', 'actor_name']).distinct().where('ward_code', '=', wardCode).orderBy('actor_name').execute();
  return rows.map((r) => ({ actorId: r.actor_id, actorName: r.actor_name }));
}
