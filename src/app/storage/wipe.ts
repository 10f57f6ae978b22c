// Wiping the phone's personal data (issue 12, point 2; the 10-wrong-PINs wipe of point 1).
// Called when the ward retired this device and its outbox is empty ('retired'), when the ward
// reported it lost or stolen ('lost'), and by the phone lock after too many wrong PINs once the
// outbox is empty ('too_many_pins').
//
// What goes, in ONE transaction (a crash leaves all or nothing): every record (households and
// assistances), their summaries, every draft, and every meta key except WIPE_KEEPS (the install
// id, the language and the display settings, which say nothing about a resident) — so the
// device's token, the cached ward configuration, the assistance screen's unsaved entry and the
// staff notices go too, and so does any key added later unless it is kept here on purpose.
// What stays: `wiped` = { reason, at }, so the app shows why (features/wiped) and, for a
// retired or lost phone, the way to enrol again; a new enrolment clears it.
//
// The outbox: 'lost' empties it (the ward refuses what it holds: it is lost with the phone,
// and the devices screen shows how many records were waiting). For every other reason the
// caller waits for an empty outbox; should a record have been saved in between, it and its
// outbox entry are KEPT rather than destroyed unsent (the records the outbox needs only).
import type { GoCuaDb } from './db.js';
import { META_KEYS, type MetaKey, type WipeReason, type WipeRecord } from './meta.js';

export type { WipeReason };

/** Meta keys a wipe keeps: nothing personal, and the phone keeps speaking the volunteer's language. */
export const WIPE_KEEPS: readonly MetaKey<unknown>[] = [META_KEYS.installId, META_KEYS.language, META_KEYS.display];

export async function wipePersonalData(db: GoCuaDb, reason: WipeReason, now: Date = new Date()): Promise<void> {
  const keep = new Set<string>(WIPE_KEEPS);
  await db.transaction('rw', [db.records, db.summaries, db.drafts, db.outbox, db.meta], async () => {
    if (reason === 'lost') {
      await db.outbox.clear();
      await db.records.clear();
      await db.summaries.clear();
    } else {
      const unsent = new Set((await db.outbox.toArray()).map((e) => e.recordId));
      if (unsent.size === 0) {
        await db.records.clear();
        await db.summaries.clear();
      } else {
        const ids = (await db.records.toCollection().primaryKeys()).filter((id) => !unsent.has(id));
        await db.records.bulkDelete(ids);
        await db.summaries.bulkDelete(ids);
      }
    }
    await db.drafts.clear();
    const metaKeys = (await db.meta.toCollection().primaryKeys()).filter((k) => !keep.has(k));
    await db.meta.bulkDelete(metaKeys);
    const record: WipeRecord = { reason, at: now.toISOString() };
    await db.meta.put({ key: META_KEYS.wiped, value: record });
  });
}

/** Why and when this phone was wiped, if it was and has not enrolled since. */
export async function getWipe(db: GoCuaDb): Promise<WipeRecord | undefined> {
  return wipeFrom((await db.meta.get(META_KEYS.wiped))?.value);
}

/** The wipe record in meta's stored value, if it is one (also read without Dexie: first-reads-raw.ts). */
export function wipeFrom(stored: unknown): WipeRecord | undefined {
  const value = stored as Partial<WipeRecord> | undefined;
  if (!value || typeof value.at !== 'string') return undefined;
  const reasons: readonly string[] = ['too_many_pins', 'retired', 'lost', 'retention'];
  return typeof value.reason === 'string' && reasons.includes(value.reason) ? { reason: value.reason as WipeReason, at: value.at } : undefined;
}
