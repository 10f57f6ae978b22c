// Issue 12, point 2: a device is revoked as RETIRED (the server still takes its outbox, then
// tells it to wipe) or LOST (it is told to wipe at its next contact; nothing more is stored
// from it). The phone reports how many records wait in its outbox on every sync request; the
// last count and the time of that contact are kept for the devices screen (for a lost phone:
// what is lost with it).
//
// Devices revoked before this migration were refused at once with 401 and nothing they sent
// was stored — the lost behaviour without the wipe. They become `lost`: a phone that still
// calls in is told to wipe (a revoked phone keeping every resident's data was the defect).
// Added, never edited (see migrations/index.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('revoke_kind', 'text').execute();
  await db.schema.alterTable('devices').addColumn('waiting_count', 'integer').execute();
  await db.schema.alterTable('devices').addColumn('last_contact_at', 'text').execute();
  await db.updateTable('devices').set({ revoke_kind: 'lost' }).where('revoked_at', 'is not', null).execute();
}

export async function down(): Promise<void> {
  throw new Error('The device retirement migration is not reversible.');
}
