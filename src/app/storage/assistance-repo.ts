// Assistance records on the phone (issue 5). Contract, as for households (records-repo.ts):
// - A save validates with the shared schema, then writes the `records` row (kind 'assistance')
//   and its `outbox` entry in ONE transaction, so the sync engine sends it like a household.
// - A new attempt on the same help, or a void, is a new rev of the same id.
// - Practice mode (meta `practiceMode`) marks new records `practice: true`: they sync but never count.
// - The campaign ("đợt ra quân") and place are remembered in meta, with the recent campaigns.
import { ASSISTANCE_KIND, assistanceRecordKind, type AssistanceDataInput, type AssistanceRecord } from '../../shared/schema/assistance.js';
import type { FieldError } from '../../shared/domain/validation.js';
import type { GoCuaDb, StoredAssistance } from './db.js';
import { deleteMeta, getInstallId, getMeta, META_KEYS, setMeta } from './meta.js';
import { saveRevision } from './save-revision.js';
import { guardQuota } from './errors.js';

const RECENT_MAX = 5;

export type AssistanceSaveResult =
  | { ok: true; record: AssistanceRecord; stored: StoredAssistance }
  | { ok: false; errors: FieldError[] };

/** What the form gives: the phone fills wardCode's install id and the practice flag. */
export type AssistanceDraft = Omit<AssistanceDataInput, 'installId' | 'practice'>;

export interface CampaignMemory {
  campaign: string;
  place: string;
  recent: string[];
}

export async function getCampaignMemory(db: GoCuaDb): Promise<CampaignMemory> {
  const [campaign, place, recent] = await Promise.all([
    getMeta(db, META_KEYS.assistCampaign),
    getMeta(db, META_KEYS.assistPlace),
    getMeta(db, META_KEYS.assistRecentCampaigns),
  ]);
  return { campaign: campaign ?? '', place: place ?? '', recent: Array.isArray(recent) ? recent : [] };
}

async function rememberCampaign(db: GoCuaDb, campaign: string | undefined, place: string | undefined): Promise<void> {
  const memory = await getCampaignMemory(db);
  await setMeta(db, META_KEYS.assistCampaign, campaign ?? '');
  await setMeta(db, META_KEYS.assistPlace, place ?? '');
  if (campaign) {
    await setMeta(db, META_KEYS.assistRecentCampaigns, [campaign, ...memory.recent.filter((c) => c !== campaign)].slice(0, RECENT_MAX));
  }
}

export async function saveAssistance(
  db: GoCuaDb,
  draft: AssistanceDraft,
  options: { existingId?: string; now?: Date } = {},
): Promise<AssistanceSaveResult> {
  const now = options.now ?? new Date();
  const previous = options.existingId ? await db.assistanceRecords.get(options.existingId) : undefined;
  if (options.existingId && (!previous || previous.kind !== ASSISTANCE_KIND)) throw new Error(`No saved assistance ${options.existingId}`);
  const result = await saveRevision(db, {
    kind: assistanceRecordKind,
    previous,
    data: { ...draft, installId: await getInstallId(db) },
    now,
    toRow: (_record, base): StoredAssistance => ({ ...base, kind: ASSISTANCE_KIND, assistanceSavedAt: now.toISOString() }),
  });
  if (result.ok && !previous) await rememberCampaign(db, result.record.data.campaign, result.record.data.place);
  if (result.ok) await setMeta(db, META_KEYS.assistLastSaved, result.record.id);
  return result;
}

/** A saved assistance by id; undefined for an unknown id or another kind's record. */
export async function getAssistance(db: GoCuaDb, id: string): Promise<StoredAssistance | undefined> {
  const row = await db.assistanceRecords.get(id);
  return row?.kind === ASSISTANCE_KIND ? row : undefined;
}

/** The help saved last on this phone (for "Sửa lượt vừa lưu"), if it still exists. */
export async function getLastSavedAssistance(db: GoCuaDb): Promise<StoredAssistance | undefined> {
  const id = await getMeta(db, META_KEYS.assistLastSaved);
  return typeof id === 'string' ? getAssistance(db, id) : undefined;
}

/**
 * The unsaved entry of the assistance screen, as the screen keeps it (may be incomplete). Kept in
 * meta rather than `drafts`, which holds household forms only (the list and Home count those).
 */
export async function getAssistEntry<T>(db: GoCuaDb): Promise<T | undefined> {
  return (await getMeta(db, META_KEYS.assistEntry)) as T | undefined;
}

export async function putAssistEntry(db: GoCuaDb, entry: unknown): Promise<void> {
  await guardQuota(() => setMeta(db, META_KEYS.assistEntry, entry));
}

export async function clearAssistEntry(db: GoCuaDb): Promise<void> {
  await deleteMeta(db, META_KEYS.assistEntry);
}

/** This phone's assistance records (latest rev of each), newest help first. */
export async function listAssistances(db: GoCuaDb): Promise<StoredAssistance[]> {
  // `kind` has no index: a scan, but only the follow-up list and the cards read it.
  const rows = (await db.records.filter((r) => (r as { kind: string }).kind === ASSISTANCE_KIND).toArray()) as unknown as StoredAssistance[];
  return rows.sort((a, b) => (a.record.data.helpedAt < b.record.data.helpedAt ? 1 : -1));
}
