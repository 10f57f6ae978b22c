// The ward's retention (settings.retentionMonths, issue 12 point 4): once a record is older than
// that, counted from its survey date (a household's derived `surveyed_at`; an assistance's
// `helped_at`, the day the help was given, in Vietnam), its personal fields
// (domain/personal-fields.ts: names, CCCD, phones, address details, free text) are erased from
// EVERY stored revision and conflict row, and its normalised address leaves the duplicate check's
// cache (household_address_keys). The records stay, and so do the flattened rows the dashboard
// counts (households, members, assistances: they hold no name, number or address), so the tallies
// do not move. This differs from a data-subject erasure, after which the tallies move.
//
// Run daily by the server (startRetentionSchedule, from app.ts when main.ts asks) and on demand
// by `npm run -s admin -- apply-retention [--ward CODE]`. Idempotent: an erased row is marked
// (personal_erased_at) and never read again; a row stored later (a phone's new rev of an old
// record, a conflict) is erased by the next run. After a run that changed rows the old bytes are
// scrubbed from the files (services/scrub.ts).
//
// Stored bodies are rewritten in place (no new rev): the owning phone is not told. It does not
// need to be: phones forget synced records after `phoneRetentionDays`, which is never more than
// `retentionMonths`. `content_hash` becomes the erased body's hash (a hash of the original would
// let anyone holding the erased body test guesses of a phone number against it); a phone's retry
// of an erased rev is compared erased too (sync-ingest.ts), so it stays a `duplicate`.
import type { Transaction } from 'kysely';
import { todayInVietnam } from '../../shared/domain/iso-week.js';
import { eraseRecordPersonalFields } from '../../shared/domain/personal-fields.js';
import { lockWard, type ServerDb } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { UnknownWardError, type StaffPrincipal } from './accounts.js';
import { writeAudit } from './audit.js';
import { scrubErasedBytes, type ScrubResult } from './scrub.js';
import { sha256 } from './secrets.js';
import { getWardConfig, listWards } from './wards.js';

/** The setting's default (schema/ward-config.ts) for a stored configuration that lacks it. */
const DEFAULT_RETENTION_MONTHS = 36;
/** Records per transaction: short transactions, so phones syncing meanwhile wait little. */
const CHUNK = 100;
/** The tables a run writes to: what scrubErasedBytes vacuums on PostgreSQL. */
export const RETENTION_TABLES: readonly string[] = ['record_revisions', 'conflicts', 'household_address_keys'];

export interface WardRetention {
  wardCode: string;
  retentionMonths: number;
  /** Records dated before this day (YYYY-MM-DD, Vietnam) are past retention. */
  cutOff: string;
  /** Records whose stored rows were erased by this run. */
  households: number;
  assistances: number;
  /** Rows erased (and marked) by this run. */
  revisions: number;
  conflicts: number;
  /** Conflict rows deleted because, erased, they were the same as another conflict row. */
  conflictsMerged: number;
  /** Normalised addresses removed from the duplicate check's cache. */
  addressKeys: number;
  /** Rows that could not be erased (a body that is not JSON, a kind without a field list): left unmarked, retried next run. */
  failed: number;
}

export interface RetentionReport {
  at: string;
  wards: WardRetention[];
  /** Set when rows changed and their old bytes were scrubbed. */
  scrub: ScrubResult | null;
}

/**
 * The first day that is not past retention: `today` minus `months` calendar months (the day
 * kept, or the month's last day when that month is shorter). A record dated before it is past.
 */
export function retentionCutOff(today: string, months: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function nextDay(date: string): string {
  const t = new Date(`${date}T00:00:00.000Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

function retentionMonthsOf(config: { settings?: { retentionMonths?: unknown } }): number {
  const months = config.settings?.retentionMonths;
  return typeof months === 'number' && Number.isInteger(months) && months >= 1 ? months : DEFAULT_RETENTION_MONTHS;
}

/** Records of the ward past the cut-off that still have a row not erased. */
async function candidates(server: ServerDb, wardCode: string, cutOff: string): Promise<{ households: string[]; assistances: string[] }> {
  const db = server.db;
  const households = await db
    .selectFrom('households as h')
    .select('h.record_id')
    .where('h.ward_code', '=', wardCode)
    .where('h.surveyed_at', '<', cutOff)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('record_revisions as r').select('r.rev').whereRef('r.record_id', '=', 'h.record_id').where('r.personal_erased_at', 'is', null)),
        eb.exists(eb.selectFrom('conflicts as c').select('c.id').whereRef('c.record_id', '=', 'h.record_id').where('c.personal_erased_at', 'is', null)),
      ]),
    )
    .orderBy('h.record_id')
    .execute();
  // helped_at is a date-time with an offset: narrowed in SQL with a day's margin, decided on
  // the day it was in Vietnam.
  const assistances = await db
    .selectFrom('assistances as a')
    .select(['a.record_id', 'a.helped_at'])
    .where('a.ward_code', '=', wardCode)
    .where('a.helped_at', '<', nextDay(cutOff))
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('record_revisions as r').select('r.rev').whereRef('r.record_id', '=', 'a.record_id').where('r.personal_erased_at', 'is', null)),
        eb.exists(eb.selectFrom('conflicts as c').select('c.id').whereRef('c.record_id', '=', 'a.record_id').where('c.personal_erased_at', 'is', null)),
      ]),
    )
    .orderBy('a.record_id')
    .execute();
  return {
    households: households.map((r) => r.record_id),
    assistances: assistances.filter((r) => todayInVietnam(new Date(r.helped_at)) < cutOff).map((r) => r.record_id),
  };
}

/** The stored body with its personal fields erased, or null when it cannot be (counted as failed). */
function erasedBody(body: string): string | null {
  try {
    const record: unknown = JSON.parse(body);
    const erased = eraseRecordPersonalFields(record);
    const text = JSON.stringify(erased);
    // Unchanged content keeps its exact bytes (and hash): nothing personal was in it.
    return text === JSON.stringify(record) ? body : text;
  } catch {
    return null;
  }
}

type Counts = Pick<WardRetention, 'revisions' | 'conflicts' | 'conflictsMerged' | 'addressKeys' | 'failed'>;

async function eraseRecords(trx: Transaction<Database>, ids: string[], at: string, counts: Counts): Promise<Set<string>> {
  const touched = new Set<string>();
  const revisions = await trx
    .selectFrom('record_revisions')
    .select(['record_id', 'rev', 'body'])
    .where('record_id', 'in', ids)
    .where('personal_erased_at', 'is', null)
    .execute();
  for (const row of revisions) {
    const body = erasedBody(row.body);
    if (body === null) {
      counts.failed++;
      continue;
    }
    await trx
      .updateTable('record_revisions')
      .set(body === row.body ? { personal_erased_at: at } : { body, content_hash: sha256(body), personal_erased_at: at })
      .where('record_id', '=', row.record_id)
      .where('rev', '=', row.rev)
      .execute();
    counts.revisions++;
    touched.add(row.record_id);
  }
  const conflicts = await trx
    .selectFrom('conflicts')
    .select(['id', 'record_id', 'rev', 'body'])
    .where('record_id', 'in', ids)
    .where('personal_erased_at', 'is', null)
    .orderBy('received_at')
    .execute();
  for (const row of conflicts) {
    const body = erasedBody(row.body);
    if (body === null) {
      counts.failed++;
      continue;
    }
    const hash = sha256(body);
    // Conflicts are kept once per (record, rev, content): two that differed only in what was
    // erased are now the same, and the later one goes.
    const same = await trx
      .selectFrom('conflicts')
      .select('id')
      .where('record_id', '=', row.record_id)
      .where('rev', '=', row.rev)
      .where('content_hash', '=', hash)
      .where('id', '<>', row.id)
      .executeTakeFirst();
    if (same) {
      await trx.deleteFrom('conflicts').where('id', '=', row.id).execute();
      counts.conflictsMerged++;
    } else {
      await trx.updateTable('conflicts').set({ body, content_hash: hash, personal_erased_at: at }).where('id', '=', row.id).execute();
      counts.conflicts++;
    }
    touched.add(row.record_id);
  }
  const keys = await trx.deleteFrom('household_address_keys').where('record_id', 'in', ids).executeTakeFirst();
  counts.addressKeys += Number(keys.numDeletedRows);
  return touched;
}

async function applyToWard(server: ServerDb, wardCode: string, now: Date, dryRun: boolean): Promise<WardRetention> {
  const config = await getWardConfig(server.db, wardCode);
  if (!config) throw new UnknownWardError(wardCode);
  const retentionMonths = retentionMonthsOf(config);
  const cutOff = retentionCutOff(todayInVietnam(now), retentionMonths);
  const result: WardRetention = { wardCode, retentionMonths, cutOff, households: 0, assistances: 0, revisions: 0, conflicts: 0, conflictsMerged: 0, addressKeys: 0, failed: 0 };
  const at = now.toISOString();
  const found = await candidates(server, wardCode, cutOff);
  if (dryRun) {
    // What a run would erase now: the records, nothing written.
    result.households = found.households.length;
    result.assistances = found.assistances.length;
    return result;
  }
  for (const [kind, ids] of [['households', found.households], ['assistances', found.assistances]] as const) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const touched = await server.db.transaction().execute(async (trx) => {
        await lockWard(trx, server.dialect, wardCode);
        return eraseRecords(trx, part, at, result);
      });
      result[kind] += touched.size;
    }
  }
  return result;
}

export interface ApplyRetentionOptions {
  now: Date;
  /** One ward only (UnknownWardError when it is not loaded); default every ward. */
  wardCode?: string;
  /** Count the records a run would erase (households, assistances) and write nothing. */
  dryRun?: boolean;
  /** Who the audit log names (default the server's daily job; the CLI passes cliActor). */
  actor?: (wardCode: string) => StaffPrincipal;
}

/** The audit log's actor for the server's own daily run. */
export function retentionActor(wardCode: string): StaffPrincipal {
  return { role: 'ward_admin', userId: 'system', username: 'retention-job', wardCode };
}

/** Applies every ward's (or one ward's) retention now; scrubs the files when rows changed. */
export async function applyRetention(server: ServerDb, options: ApplyRetentionOptions): Promise<RetentionReport> {
  const codes = options.wardCode ? [options.wardCode] : (await listWards(server.db)).map((w) => w.code);
  const wards: WardRetention[] = [];
  for (const code of codes) {
    const ward = await applyToWard(server, code, options.now, options.dryRun === true);
    wards.push(ward);
    if (!options.dryRun && ward.households + ward.assistances > 0) {
      // Counts and the cut-off: never an id list of thousands, never a value.
      const { wardCode: _code, ...detail } = ward;
      await writeAudit(server.db, (options.actor ?? retentionActor)(code), 'retention.apply', null, detail, options.now);
    }
  }
  const changed = wards.some((w) => w.revisions + w.conflicts + w.conflictsMerged + w.addressKeys > 0);
  const scrub = changed ? await scrubErasedBytes(server, RETENTION_TABLES) : null;
  return { at: options.now.toISOString(), wards, scrub };
}

/** One log line of counts (never a value from a record). */
export function describeRetention(report: RetentionReport): string {
  const sum = (key: keyof Omit<WardRetention, 'wardCode' | 'cutOff' | 'retentionMonths'>) => report.wards.reduce((s, w) => s + w[key], 0);
  return (
    `retention: ${report.wards.length} ward(s); erased ${sum('households')} household(s), ${sum('assistances')} assistance(s): ` +
    `${sum('revisions')} revision(s), ${sum('conflicts')} conflict(s) (${sum('conflictsMerged')} merged), ${sum('addressKeys')} address key(s); ` +
    `${sum('failed')} failed${report.scrub?.busy ? '; WAL checkpoint busy, retried next run' : ''}`
  );
}

export interface RetentionScheduleOptions {
  /** Between runs (default one day). */
  intervalMs?: number;
  /** From start to the first run (default one minute: the server answers phones first). */
  firstRunDelayMs?: number;
  now?: () => Date;
  /** Where a run's counts go. */
  onReport?: (report: RetentionReport, line: string) => void;
  /** Where a failed run goes; a failure never stops the schedule or the server. */
  onError: (error: unknown) => void;
}

export interface RetentionSchedule {
  /** Completed runs (for tests and health). */
  readonly runs: number;
  /** Clears the timers and waits for a run in progress (call before closing the database). */
  stop(): Promise<void>;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs applyRetention shortly after start and then every interval; timers do not hold the process open. */
export function startRetentionSchedule(server: ServerDb, options: RetentionScheduleOptions): RetentionSchedule {
  const interval = options.intervalMs ?? DAY_MS;
  const now = options.now ?? (() => new Date());
  let runs = 0;
  let stopped = false;
  let running: Promise<void> | null = null;
  const run = () => {
    if (stopped || running) return; // a slow run is never overlapped by the next
    running = applyRetention(server, { now: now() })
      .then((report) => {
        runs++;
        options.onReport?.(report, describeRetention(report));
      })
      .catch((error: unknown) => options.onError(error))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(run, options.firstRunDelayMs ?? 60_000);
  const every = setInterval(run, interval);
  first.unref();
  every.unref();
  return {
    get runs() {
      return runs;
    },
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
