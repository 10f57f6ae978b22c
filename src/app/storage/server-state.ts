// The server's state of a record, taken on the phone. Ward staff may change a record after the
// phone synced it (a void today; corrections and erasures later); the sync answer then carries
// the server's current envelope (docs/sync-protocol.md, "Staff changes"), and this is the ONE
// function that applies it, whatever the change and whatever the kind:
// - the `records` row is replaced by the server's envelope (household index fields and its
//   `summaries` row derived again, so a voided household leaves the lists and a correction
//   replaces the copy), marked synced at that rev;
// - the record's outbox entries leave: the phone's own revs built on the older state are not
//   sent again (a rev already sent is kept on the server as a conflict for staff to review);
// - a notice for the volunteer and the acknowledgement the next sync request carries
//   (`applied`) are written in meta.
// Call it inside a Dexie transaction over records, outbox, summaries and meta, so the row,
// the outbox, the notice and the acknowledgement change together.
import { parseRecord, type AnyRecord } from '../../shared/schema/registry.js';
import { summaryOf, type AnyStoredRecord, type GoCuaDb, type StoredAssistance, type StoredRecord } from './db.js';
import { getMeta, META_KEYS, setMeta } from './meta.js';
import { buildSearchText } from './records-repo.js';

/** Notices kept for the volunteer (oldest dropped first). */
const MAX_NOTICES = 50;

/** What the volunteer is told about one record the server changed. */
export interface ServerChangeNotice {
  recordId: string;
  recordKind: string;
  rev: number;
  /** The server's state is voided (the record left the phone's lists). */
  voided: boolean;
  /** The phone's own change of the record reached the server and is kept there for staff review. */
  editKept: boolean;
  /** The phone's own change had been refused by the server (held) and is replaced without being kept. */
  editDropped: boolean;
  /** For the notice's words: house number and tổ dân phố of a household; birth year of an assistance. */
  label: { house?: string; group?: string; birthYear?: number };
  at: string;
}

export interface AppliedState {
  id: string;
  rev: number;
}

export type ApplyServerOutcome =
  /** Replaced the phone's copy. */
  | 'applied'
  /** The phone already holds this state: nothing changed (acknowledged again). */
  | 'unchanged'
  /** The phone does not hold this record (its storage was cleared): acknowledged, nothing stored. */
  | 'unknown'
  /** Not a record this app can read (a newer schema version): left unacknowledged, retried later. */
  | 'invalid';

async function addApplied(db: GoCuaDb, state: AppliedState): Promise<void> {
  const list = await pendingApplied(db);
  if (!list.some((a) => a.id === state.id && a.rev === state.rev)) {
    await setMeta(db, META_KEYS.pendingApplied, [...list.filter((a) => a.id !== state.id || a.rev > state.rev), state]);
  }
}

/** Acknowledgements not yet carried by a request the server answered. */
export async function pendingApplied(db: GoCuaDb): Promise<AppliedState[]> {
  const value = await getMeta(db, META_KEYS.pendingApplied);
  return Array.isArray(value) ? (value as AppliedState[]) : [];
}

/** After a 200 to a request that carried `sent`: those are acknowledged; newer ones stay. */
export async function clearApplied(db: GoCuaDb, sent: readonly AppliedState[]): Promise<void> {
  if (sent.length === 0) return;
  const done = new Set(sent.map((a) => `${a.id}#${a.rev}`));
  const left = (await pendingApplied(db)).filter((a) => !done.has(`${a.id}#${a.rev}`));
  await setMeta(db, META_KEYS.pendingApplied, left);
}

export async function serverNotices(db: GoCuaDb): Promise<ServerChangeNotice[]> {
  const value = await getMeta(db, META_KEYS.serverNotices);
  return Array.isArray(value) ? (value as ServerChangeNotice[]) : [];
}

export async function dismissServerNotices(db: GoCuaDb): Promise<void> {
  await setMeta(db, META_KEYS.serverNotices, []);
}

function rowFor(record: AnyRecord, previous: AnyStoredRecord): AnyStoredRecord {
  const base = { id: record.id, syncState: 'synced' as const, syncedRev: record.rev };
  if (record.kind === 'assistance') {
    const savedAt = previous.kind === 'assistance' ? previous.assistanceSavedAt : record.clientUpdatedAt;
    return { ...base, kind: 'assistance', record, assistanceSavedAt: savedAt } satisfies StoredAssistance;
  }
  const d = record.data;
  return {
    ...base,
    kind: 'household',
    record,
    groupCode: d.groupCode,
    outcome: d.outcome,
    surveyedAt: d.surveyedAt,
    // Keeps its place in the list: the volunteer's last save, not the staff's.
    savedAt: previous.kind === 'household' ? previous.savedAt : record.clientUpdatedAt,
    searchText: buildSearchText(d),
    voided: d.voided ? 1 : 0,
  } satisfies StoredRecord;
}

/** Applies the server's state of one record (see the header). `editKept`: the phone's rev was answered with it. */
export async function applyServerRecord(db: GoCuaDb, raw: unknown, options: { now: Date; editKept: boolean }): Promise<ApplyServerOutcome> {
  const parsed = parseRecord(raw);
  if (!parsed.ok) return 'invalid';
  const record = parsed.record;
  const previous = (await db.records.get(record.id)) as AnyStoredRecord | undefined;
  if (!previous || previous.kind !== record.kind) {
    await addApplied(db, { id: record.id, rev: record.rev });
    return 'unknown';
  }
  const entries = await db.outbox.where('recordId').equals(record.id).toArray();
  if (previous.record.rev === record.rev && previous.syncState === 'synced' && entries.length === 0) {
    await addApplied(db, { id: record.id, rev: record.rev });
    return 'unchanged';
  }
  const row = rowFor(record, previous);
  await db.records.put(row as StoredRecord);
  if (row.kind === 'household') await db.summaries.put(summaryOf(row));
  await db.outbox.bulkDelete(entries.map((e) => e.seq!));
  await addApplied(db, { id: record.id, rev: record.rev });
  const notice: ServerChangeNotice = {
    recordId: record.id,
    recordKind: record.kind,
    rev: record.rev,
    voided: record.data.voided === true,
    editKept: options.editKept || previous.syncState === 'conflict',
    editDropped: !options.editKept && previous.syncState === 'rejected' && entries.length > 0,
    label: record.kind === 'household' ? { house: record.data.address.houseNumber, group: record.data.groupCode } : { birthYear: record.data.person.birthYear },
    at: options.now.toISOString(),
  };
  const notices = (await serverNotices(db)).filter((n) => n.recordId !== record.id);
  await setMeta(db, META_KEYS.serverNotices, [...notices, notice].slice(-MAX_NOTICES));
  return 'applied';
}
