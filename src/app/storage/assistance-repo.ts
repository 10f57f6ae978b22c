// Assistance records on the phone (issue 5). Contract, as for households (records-repo.ts):
// - A save validates with the shared schema, then writes the `records` row (kind 'assistance')
//   and its `outbox` entry in ONE transaction, so the sync engine sends it like a household.
// - A new attempt on the same help, or a void, is a new rev of the same id.
// - Practice mode (meta `practiceMode`) marks new records `practice: true`: they sync but never count.
// - The campaign ("đợt ra quân") and place are remembered in meta, with the recent campaigns.
import {
  ASSISTANCE_KIND,
  ASSISTANCE_SCHEMA_VERSION,
  assistanceRecordSchema,
  type AssistanceDataInput,
  type AssistanceRecord,
} from '../../shared/schema/assistance.js';
import { toFieldErrors, type FieldError } from '../../shared/domain/validation.js';
import type { GoCuaDb, StoredAssistance } from './db.js';
import { guardQuota } from './errors.js';
import { getInstallId, getMeta, setMeta } from './meta.js';

export const ASSIST_META = {
  campaign: 'assist.campaign',
  place: 'assist.place',
  recentCampaigns: 'assist.recentCampaigns',
  practiceMode: 'practiceMode',
} as const;

const RECENT_MAX = 5;

export type AssistanceSaveResult =
  | { ok: true; record: AssistanceRecord; stored: StoredAssistance }
  | { ok: false; errors: FieldError[] };

/** What the form gives: the phone fills wardCode's install id and the practice flag. */
export type AssistanceDraft = Omit<AssistanceDataInput, 'installId' | 'practice'>;

export async function isPracticeMode(db: GoCuaDb): Promise<boolean> {
  return (await getMeta<boolean>(db, ASSIST_META.practiceMode)) === true;
}

export async function setPracticeMode(db: GoCuaDb, on: boolean): Promise<void> {
  await setMeta(db, ASSIST_META.practiceMode, on);
}

export interface CampaignMemory {
  campaign: string;
  place: string;
  recent: string[];
}

export async function getCampaignMemory(db: GoCuaDb): Promise<CampaignMemory> {
  const [campaign, place, recent] = await Promise.all([
    getMeta<string>(db, ASSIST_META.campaign),
    getMeta<string>(db, ASSIST_META.place),
    getMeta<string[]>(db, ASSIST_META.recentCampaigns),
  ]);
  return { campaign: campaign ?? '', place: place ?? '', recent: Array.isArray(recent) ? recent : [] };
}

async function rememberCampaign(db: GoCuaDb, campaign: string | undefined, place: string | undefined): Promise<void> {
  const memory = await getCampaignMemory(db);
  await setMeta(db, ASSIST_META.campaign, campaign ?? '');
  await setMeta(db, ASSIST_META.place, place ?? '');
  if (campaign) {
    await setMeta(db, ASSIST_META.recentCampaigns, [campaign, ...memory.recent.filter((c) => c !== campaign)].slice(0, RECENT_MAX));
  }
}

function stripDataPrefix(e: FieldError): FieldError {
  return e.path.startsWith('data.') ? { ...e, path: e.path.slice(5) } : e;
}

export async function saveAssistance(
  db: GoCuaDb,
  draft: AssistanceDraft,
  options: { existingId?: string; now?: Date } = {},
): Promise<AssistanceSaveResult> {
  const now = options.now ?? new Date();
  const previous = options.existingId ? await db.assistanceRecords.get(options.existingId) : undefined;
  if (options.existingId && (!previous || previous.kind !== ASSISTANCE_KIND)) throw new Error(`No saved assistance ${options.existingId}`);
  const practice = previous ? previous.record.data.practice === true : await isPracticeMode(db);
  const candidate = {
    id: previous?.id ?? crypto.randomUUID(),
    kind: ASSISTANCE_KIND,
    rev: previous ? previous.record.rev + 1 : 1,
    schemaVersion: ASSISTANCE_SCHEMA_VERSION,
    clientUpdatedAt: now.toISOString(),
    data: { ...draft, installId: await getInstallId(db), ...(practice ? { practice: true } : {}) },
  };
  const parsed = assistanceRecordSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error, '').map(stripDataPrefix) };
  const stored: StoredAssistance = {
    id: parsed.data.id,
    kind: ASSISTANCE_KIND,
    record: parsed.data,
    syncState: 'pending',
    ...(previous?.syncedRev !== undefined ? { syncedRev: previous.syncedRev } : {}),
    assistanceSavedAt: now.toISOString(),
  };
  await guardQuota(() =>
    db.transaction('rw', [db.records, db.outbox], async () => {
      await db.assistanceRecords.put(stored);
      await db.outbox.add({ recordId: stored.id, rev: stored.record.rev, queuedAt: now.toISOString(), state: 'queued', attempts: 0 });
    }),
  );
  if (!previous) await rememberCampaign(db, parsed.data.data.campaign, parsed.data.data.place);
  return { ok: true, record: parsed.data, stored };
}

/** This phone's assistance records (latest rev of each), newest help first. */
export async function listAssistances(db: GoCuaDb): Promise<StoredAssistance[]> {
  // `kind` has no index: a scan, but only the follow-up list and the cards read it.
  const rows = (await db.records.filter((r) => (r as { kind: string }).kind === ASSISTANCE_KIND).toArray()) as unknown as StoredAssistance[];
  return rows.sort((a, b) => (a.record.data.helpedAt < b.record.data.helpedAt ? 1 : -1));
}
