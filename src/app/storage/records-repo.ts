// Saved household records on the phone. Contract:
// - A save validates the data with the shared schema, builds the sync envelope and writes the
//   `records` row, a new `outbox` entry and the removal of the draft in ONE transaction: either
//   all three happen or none does (a crash mid-save never leaves a record that will not sync,
//   nor a queued rev without its record, nor a lost draft).
// - An edit or a void is a new rev of the same id; `surveyedAt` is the day of the visit that
//   surveyed the household (shared/domain/survey-date.ts): a revisit that turns "not home" or
//   "refused" into "surveyed" takes that day; plain edits keep it.
// - Everything works offline; the sync engine (src/app/sync) drains the outbox.
import { HOUSEHOLD_KIND, householdRecordKind, type HouseholdDataInput, type HouseholdRecord } from '../../shared/schema/household.js';
import { surveyedAtForSave } from '../../shared/domain/survey-date.js';
import { foldVietnamese, matchesQuery } from '../../shared/domain/text-search.js';
import type { FieldError } from '../../shared/domain/validation.js';
import { summaryOf, type GoCuaDb, type RecordSummary, type StoredRecord } from './db.js';
import { localIsoDate } from './local-date.js';
import { saveRevision, type StoredRow } from './save-revision.js';
import { outboxRecordStates } from './waiting.js';

export { localIsoDate };

export type SaveResult =
  | { ok: true; record: HouseholdRecord; stored: StoredRecord }
  | { ok: false; errors: FieldError[] };

export interface SaveOptions {
  /** The saved record this save edits (a new rev); absent for a new household. */
  existingId?: string;
  /** The draft to delete in the same transaction. */
  draftId?: string;
  /** Name of the tổ dân phố, so search finds it by name as well as by code. */
  groupName?: string;
  now?: Date;
}

/**
 * The data as the caller gives it. surveyedAt is set here (survey-date.ts): on a first save the
 * caller's date (the day the form opened) or today; on the visit that surveys a household
 * marked not home / refused, today; on any other edit, the stored date.
 */
export type HouseholdDataDraft = Omit<HouseholdDataInput, 'surveyedAt'> & { surveyedAt?: string };

/** Folded text of everything a volunteer searches by: address, tổ dân phố, names. */
export function buildSearchText(data: Pick<HouseholdDataInput, 'groupCode' | 'address' | 'members' | 'consent'>, groupName?: string): string {
  const parts: (string | undefined)[] = [
    data.groupCode,
    groupName,
    data.address.houseNumber,
    data.address.lane,
    data.address.street,
    data.consent?.consenterName,
    ...(data.members ?? []).map((m) => m.name),
  ];
  return foldVietnamese(parts.filter(Boolean).join(' '));
}

function toStored(record: HouseholdRecord, base: StoredRow<HouseholdRecord>, now: Date, groupName: string | undefined): StoredRecord {
  return {
    ...base,
    kind: HOUSEHOLD_KIND,
    groupCode: record.data.groupCode,
    outcome: record.data.outcome,
    surveyedAt: record.data.surveyedAt,
    savedAt: now.toISOString(),
    searchText: buildSearchText(record.data, groupName),
    voided: record.data.voided ? 1 : 0,
  };
}

/**
 * Validates and saves a household (save-revision.ts: one transaction with its summary row,
 * outbox entry and the draft's removal). Returns field errors (i18n codes) instead of throwing
 * for bad data; throws StorageFullError when the phone is full (the caller keeps the form and
 * the draft).
 */
export async function saveHousehold(db: GoCuaDb, data: HouseholdDataDraft, options: SaveOptions = {}): Promise<SaveResult> {
  const now = options.now ?? new Date();
  const previous = options.existingId ? await db.records.get(options.existingId) : undefined;
  if (options.existingId && !previous) throw new Error(`No saved household ${options.existingId}`);
  return saveRevision(db, {
    kind: householdRecordKind,
    previous,
    data: { ...data, surveyedAt: surveyedAtForSave(previous?.record.data, data.outcome, previous ? localIsoDate(now) : (data.surveyedAt ?? localIsoDate(now))) },
    now,
    toRow: (record, base) => toStored(record, base, now, options.groupName),
    alsoWrite: {
      tables: [db.summaries, db.drafts],
      write: async (row) => {
        await db.summaries.put(summaryOf(row));
        if (options.draftId) await db.drafts.delete(options.draftId);
      },
    },
  });
}

/** Voids a household: a new rev with voided: true and the reason. Voided records never count. */
export async function voidHousehold(db: GoCuaDb, id: string, reason: string, options: { now?: Date } = {}): Promise<SaveResult> {
  const previous = await db.records.get(id);
  if (!previous) throw new Error(`No saved household ${id}`);
  return saveHousehold(db, { ...previous.record.data, voided: true, voidReason: reason }, { existingId: id, ...options });
}

/** A saved household by id; undefined for an unknown id or another kind's record. */
export async function getHousehold(db: GoCuaDb, id: string): Promise<StoredRecord | undefined> {
  const row = await db.records.get(id);
  return row?.kind === 'household' ? row : undefined;
}

export interface ListOptions {
  groupCode?: string;
  includeVoided?: boolean;
}

/** Saved households, newest save first. */
export async function listHouseholds(db: GoCuaDb, options: ListOptions = {}): Promise<StoredRecord[]> {
  let rows: StoredRecord[];
  if (options.groupCode) {
    rows = await db.records.where('groupCode').equals(options.groupCode).toArray();
    rows.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
  } else {
    rows = await db.records.orderBy('savedAt').reverse().toArray();
  }
  return options.includeVoided ? rows : rows.filter((r) => r.voided === 0);
}

/** Search ignoring diacritics, đ/d and case, over address, tổ dân phố and names. */
export async function searchHouseholds(db: GoCuaDb, query: string, options: ListOptions = {}): Promise<StoredRecord[]> {
  const rows = await listHouseholds(db, options);
  if (!foldVietnamese(query)) return rows;
  return rows.filter((r) => matchesQuery(r.searchText, query));
}

/** Summaries of saved households for the list, newest save first (voided ones left out). */
export async function listSummaries(db: GoCuaDb, options: ListOptions = {}): Promise<RecordSummary[]> {
  let rows: RecordSummary[];
  if (options.groupCode) {
    rows = await db.summaries.where('groupCode').equals(options.groupCode).toArray();
    rows.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
  } else {
    rows = await db.summaries.orderBy('savedAt').reverse().toArray();
  }
  return options.includeVoided ? rows : rows.filter((r) => r.voided === 0);
}

/** Search over summaries: same rules as searchHouseholds, without reading members. */
export async function searchSummaries(db: GoCuaDb, query: string, options: ListOptions = {}): Promise<RecordSummary[]> {
  const rows = await listSummaries(db, options);
  if (!foldVietnamese(query)) return rows;
  return rows.filter((r) => matchesQuery(r.searchText, query));
}

/** Sync state as the list shows it, from the outbox: waiting, held for the volunteer, or done. */
export type ListSyncState = 'pending' | 'held' | 'synced';

export async function outboxStates(db: GoCuaDb): Promise<Map<string, ListSyncState>> {
  // The one definition of "waiting" (waiting.ts): a queued rev means waiting, even over a held one.
  const states = new Map<string, ListSyncState>();
  for (const [id, state] of outboxRecordStates(await db.outbox.toArray())) states.set(id, state === 'waiting' ? 'pending' : 'held');
  return states;
}

/** Households marked "not home" (and not voided): the revisit list, oldest visit first. */
export async function listRevisits(db: GoCuaDb): Promise<StoredRecord[]> {
  const rows = await db.records.where('outcome').equals('not_home').toArray();
  return rows.filter((r) => r.voided === 0).sort((a, b) => (a.savedAt < b.savedAt ? -1 : 1));
}
