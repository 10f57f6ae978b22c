// Phone retention (issue 12, point 2): synced records older than the ward's phoneRetentionDays
// leave this phone, except what the follow-up list still needs (the choice is pure:
// shared/domain/phone-retention.ts). Run at start and after each sync the server acknowledged
// (sync/app-sync.ts). The rows go with their summaries in one transaction that checks again,
// inside it, that nothing of a record was queued or drafted meanwhile. The count of the last
// run is kept in meta (`phoneRetention`) for the sync status.
import { selectForRetention, type RetentionRow } from '../../shared/domain/phone-retention.js';
import type { TeachingCard } from '../../shared/schema/teaching-card.js';
import type { AnyStoredRecord, GoCuaDb } from './db.js';
import { getMeta, META_KEYS, setMeta } from './meta.js';

export interface PruneOutcome {
  removed: number;
  keptForFollowUp: number;
}

function retentionRow(row: AnyStoredRecord): RetentionRow {
  const synced = row.syncState === 'synced';
  if (row.kind === 'assistance') {
    return { id: row.id, kind: 'assistance', record: row.record, synced, touchedAt: [row.assistanceSavedAt, row.record?.data?.helpedAt] };
  }
  return { id: row.id, kind: 'household', record: row.record, synced, touchedAt: [row.savedAt, row.surveyedAt] };
}

export async function prunePhoneRecords(db: GoCuaDb, options: { days: number; now?: Date; cards?: readonly TeachingCard[] }): Promise<PruneOutcome> {
  const now = options.now ?? new Date();
  const [rows, outbox, drafts] = await Promise.all([db.records.toArray() as Promise<AnyStoredRecord[]>, db.outbox.toArray(), db.drafts.toArray()]);
  const pinned = new Set<string>([...outbox.map((e) => e.recordId), ...drafts.flatMap((d) => (d.recordId ? [d.recordId] : [d.id]))]);
  const selection = selectForRetention({ rows: rows.map(retentionRow), pinned, days: options.days, now, cards: options.cards ?? [] });
  let removed = 0;
  if (selection.remove.length > 0) {
    await db.transaction('rw', [db.records, db.summaries, db.outbox, db.drafts, db.meta], async () => {
      for (const id of selection.remove) {
        const row = await db.records.get(id);
        if (!row || row.syncState !== 'synced') continue;
        if ((await db.outbox.where('recordId').equals(id).count()) > 0) continue;
        if ((await db.drafts.get(id)) || (await db.drafts.where('recordId').equals(id).count()) > 0) continue;
        await db.records.delete(id);
        await db.summaries.delete(id);
        removed++;
      }
      const lastSaved = await getMeta(db, META_KEYS.assistLastSaved);
      if (lastSaved && selection.remove.includes(lastSaved) && !(await db.records.get(lastSaved))) await db.meta.delete(META_KEYS.assistLastSaved);
    });
  }
  await setMeta(db, META_KEYS.phoneRetention, { at: now.toISOString(), removed, keptForFollowUp: selection.keptForFollowUp, days: options.days });
  return { removed, keptForFollowUp: selection.keptForFollowUp };
}
