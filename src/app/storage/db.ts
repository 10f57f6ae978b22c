// The phone's database (IndexedDB through Dexie). What it keeps and why:
// - `records`: every saved record, in exactly the envelope it syncs in (`row.record`), plus a few
//   index fields for the list and search. Records stay after the server acknowledges them so the
//   volunteer can still list, search and edit them; an edit is a new rev.
// - `outbox`: one entry per saved rev waiting for the server. A record and its outbox entry are
//   always written in one transaction (see records-repo.ts). An entry leaves only after the
//   server's result for it; `rejected` / `conflict` entries are held for the volunteer to fix.
// - `drafts`: the form being filled, autosaved on every change so a killed tab loses ≤ 0.5 s.
// - `meta`: install id, cached ward configuration, device credentials, last sync time.
// - Assistance records (kind 'assistance', storage/assistance-repo.ts) live in `records` too,
//   with their outbox entries, so the one sync engine sends both kinds. Their rows carry none of
//   the household index fields (groupCode, outcome, surveyedAt, savedAt), so every household
//   query through those indexes skips them, and they have no `summaries` row.
// - `summaries` (v2): one small row per saved record (address, counts, folded search text) so the
//   list and search of thousands of households never deserialise every member. Written by
//   records-repo.ts in the same transaction as the record; derived data, rebuildable from records.
//
// - v3 (issue 12): assistance records became version 2, which keeps a person's name and phone
//   only with their recorded consent. Rows, and the unsaved assistance entry (meta
//   'assist.entry'), written before then hold names and phones recorded without consent: the
//   upgrade erases them (assistanceRowToV2). Outbox entries point at (recordId, rev) and are
//   left as they are: the row they send is now the version 2 record at the same rev, which the
//   server stores as the same content as its own migrated copy (a retry stays a duplicate).
//
// - v4 (issue 13): `summaryPacks`, the summaries packed by bucket (ids sharing their first two
//   characters) so the list's in-memory index is built from a few hundred rows, not one per
//   household (storage/summary-packs.ts). Derived data, a cache of `summaries`: every write to
//   `summaries` marks its buckets stale in the same transaction (a DBCore middleware installed
//   here, so every instance has it); the upgrade only creates the store, marked incomplete, and
//   the first index build fills it. Nothing else is touched.
//
// Schema versions are only added, never edited (old `version()` declarations stay).
import Dexie, { type Table } from 'dexie';
import type { AssistanceRecord } from '../../shared/schema/assistance.js';
import type { HouseholdRecord } from '../../shared/schema/household.js';
import type { SyncRecordError } from '../../shared/protocol/sync.js';
import type { SealedPayload } from '../../shared/crypto/sealed.js';
import { incompleteState, PACKS_TABLE, summaryPacksMiddleware, type SummaryPackRow } from './summary-packs.js';

export type SyncState = 'pending' | 'synced' | 'rejected' | 'conflict';

export interface StoredRecord {
  id: string;
  kind: 'household';
  /** The envelope exactly as it is sent to the server. */
  record: HouseholdRecord;
  syncState: SyncState;
  /** The server's messages for a rejected or conflicting rev. */
  serverErrors?: SyncRecordError[];
  /** Highest rev the server has acknowledged. */
  syncedRev?: number;
  // Index fields (derived from `record` on every save):
  groupCode: string;
  outcome: HouseholdRecord['data']['outcome'];
  surveyedAt: string;
  savedAt: string;
  /** Folded (diacritic-free, lower-case) address, group and member names for search. */
  searchText: string;
  voided: 0 | 1;
}

/** An assistance record's row in `records` (no household index fields; see the header). */
export interface StoredAssistance {
  id: string;
  kind: 'assistance';
  record: AssistanceRecord;
  syncState: SyncState;
  serverErrors?: SyncRecordError[];
  syncedRev?: number;
  /** When it was saved on this phone (not indexed). */
  assistanceSavedAt: string;
}

/** Any row of `records`: what the sync engine and the held list may meet. */
export type AnyStoredRecord = StoredRecord | StoredAssistance;

export type OutboxState = 'queued' | 'held';

export interface OutboxEntry {
  seq?: number;
  recordId: string;
  rev: number;
  queuedAt: string;
  state: OutboxState;
  attempts: number;
  /**
   * The record's envelope at `rev`, sealed at save time to the ward's public key
   * (storage/outbox-sealing.ts): what the sync engine sends, without reading `records`. Absent
   * for entries saved before the phone had the key (sent clear from `records`). Not indexed,
   * so no schema version.
   */
  sealed?: SealedPayload;
}

export interface Draft {
  /** Draft id (UUID); for an edit of a saved record it is that record's id. */
  id: string;
  kind: 'household';
  /** The saved record this draft edits, if any. */
  recordId?: string;
  /** Form state as the UI keeps it (may be incomplete or invalid). */
  form: unknown;
  step: string;
  /** Folded text for search across drafts. */
  searchText: string;
  groupCode?: string;
  createdAt: string;
  updatedAt: string;
}

export interface MetaEntry {
  key: string;
  value: unknown;
}

/** What the list shows for a saved household; derived from `records` on every save. */
export interface RecordSummary {
  id: string;
  rev: number;
  groupCode: string;
  outcome: HouseholdRecord['data']['outcome'];
  surveyedAt: string;
  savedAt: string;
  /** "12, Ngõ 5, Trần Hưng Đạo" as typed. */
  address: string;
  memberCount: number;
  searchText: string;
  voided: 0 | 1;
}

export function summaryOf(row: StoredRecord): RecordSummary {
  const { data } = row.record;
  return {
    id: row.id,
    rev: row.record.rev,
    groupCode: row.groupCode,
    outcome: row.outcome,
    surveyedAt: row.surveyedAt,
    savedAt: row.savedAt,
    address: [data.address.houseNumber, data.address.lane, data.address.street].filter(Boolean).join(', '),
    memberCount: data.members.length,
    searchText: row.searchText,
    voided: row.voided,
  };
}

/** A row of `summaryPacks` (v4; storage/summary-packs.ts): a bucket's summaries, a stale marker or the state row. */
export type SummaryPack = SummaryPackRow<RecordSummary>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An assistance row of version 1 at version 2, without the person's name and phone (v3 upgrade).
 * Written out rather than imported from the schema: a Dexie upgrade, like a migration, must do
 * the same thing forever, and this module must not pull zod into the start-up bundle.
 */
export function assistanceRowToV2(row: Record<string, unknown>): Record<string, unknown> | null {
  const record = row.record;
  if (row.kind !== 'assistance' || !isObject(record) || record.schemaVersion !== 1 || !isObject(record.data)) return null;
  const data = record.data;
  const person = isObject(data.person) ? (({ name: _n, phone: _p, ...rest }) => rest)(data.person) : data.person;
  return { ...row, record: { ...record, schemaVersion: 2, data: { ...data, person } } };
}

/** The unsaved assistance entry without a name or phone (it recorded no consent), or null when it has none. */
export function assistEntryWithoutContact(entry: unknown): Record<string, unknown> | null {
  if (!isObject(entry) || (entry.name === undefined && entry.phone === undefined)) return null;
  const { name: _n, phone: _p, ...rest } = entry;
  return rest;
}

export class GoCuaDb extends Dexie {
  records!: Table<StoredRecord, string>;
  outbox!: Table<OutboxEntry, number>;
  drafts!: Table<Draft, string>;
  meta!: Table<MetaEntry, string>;
  summaries!: Table<RecordSummary, string>;
  summaryPacks!: Table<SummaryPack, string>;

  /** The same `records` store, typed for assistance rows (storage/assistance-repo.ts). */
  get assistanceRecords(): Table<StoredAssistance, string> {
    return this.table('records');
  }

  constructor(name = 'go-cua') {
    super(name);
    this.version(1).stores({
      records: 'id, syncState, groupCode, outcome, surveyedAt, savedAt, voided',
      outbox: '++seq, recordId, [recordId+rev], state',
      drafts: 'id, updatedAt, recordId',
      meta: 'key',
    });
    this.version(2)
      .stores({ summaries: 'id, savedAt, groupCode, outcome' })
      .upgrade(async (tx) => {
        await tx
          .table<StoredRecord, string>('records')
          .each((row) => tx.table<RecordSummary, string>('summaries').put(summaryOf(row)));
      });
    // Issue 12: names and phones of assistances recorded without consent are erased (header).
    this.version(3)
      .stores({})
      .upgrade(async (tx) => {
        await tx
          .table<Record<string, unknown>, string>('records')
          .toCollection()
          .modify((row, ref) => {
            const next = assistanceRowToV2(row);
            if (next) ref.value = next;
          });
        const meta = tx.table<MetaEntry, string>('meta');
        const entry = await meta.get('assist.entry');
        const cleaned = entry ? assistEntryWithoutContact(entry.value) : null;
        if (entry && cleaned) await meta.put({ key: entry.key, value: cleaned });
      });
    // Issue 13: packs of summaries for the list's index (header); filled by its first build.
    this.version(4)
      .stores({ [PACKS_TABLE]: 'bucket' })
      .upgrade(async (tx) => {
        await tx.table<SummaryPack, string>(PACKS_TABLE).put(incompleteState());
      });
    this.use(summaryPacksMiddleware());
  }
}
