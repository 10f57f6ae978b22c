// Minimal version made by the lock (H1) for the 10-wrong-PINs wipe; H3 owns this file and its
// fuller version (retire / lost / retention) replaces this one. Clears the phone's personal data:
// records, summaries, drafts and the meta entries holding personal values. The caller decides
// when (the lock waits until the outbox is empty, so nothing unsynced is lost).
import type { GoCuaDb } from './db.js';
import { META_KEYS } from './meta.js';

export type WipeReason = 'too_many_pins' | 'retired' | 'lost' | 'retention';

const PERSONAL_META = [META_KEYS.assistEntry, META_KEYS.serverNotices, META_KEYS.assistLastSaved];

export async function wipePersonalData(db: GoCuaDb, reason: WipeReason): Promise<void> {
  void reason;
  await db.transaction('rw', [db.records, db.summaries, db.drafts, db.meta], async () => {
    await db.records.clear();
    await db.summaries.clear();
    await db.drafts.clear();
    await db.meta.bulkDelete(PERSONAL_META);
  });
}
