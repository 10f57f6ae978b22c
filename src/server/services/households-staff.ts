// Ward staff's access to one household: the read-only drill-down of its latest rev (the route
// audits it) and the staff void (a new rev, as a sync write would store it).
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { HouseholdDetail } from '../../shared/protocol/dashboard.js';
import { householdRecordKind, type HouseholdRecord } from '../../shared/schema/household.js';
import { lockWard, type ServerDb } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { StaffPrincipal } from './accounts.js';
import { writeAudit } from './audit.js';
import { sha256 } from './secrets.js';
import { withCounterDelta } from './indicator-counters.js';
import { householdRow, memberRows, withSurveyDate } from './record-rows.js';

export async function readHousehold(db: Kysely<Database>, wardCode: string, recordId: string): Promise<HouseholdDetail | null> {
  const row = await db
    .selectFrom('households')
    .select(['record_id', 'rev'])
    .where('record_id', '=', recordId)
    .where('ward_code', '=', wardCode)
    .executeTakeFirst();
  if (!row) return null;
  const revisions = await db
    .selectFrom('record_revisions')
    .leftJoin('devices', 'devices.id', 'record_revisions.device_id')
    .select([
      'record_revisions.rev',
      'record_revisions.device_id',
      'record_revisions.received_at',
      'record_revisions.client_updated_at',
      'record_revisions.body',
      'devices.volunteer_name',
    ])
    .where('record_revisions.record_id', '=', recordId)
    .where('record_revisions.ward_code', '=', wardCode)
    .orderBy('record_revisions.rev')
    .execute();
  const latest = revisions.find((r) => Number(r.rev) === Number(row.rev));
  if (!latest) return null;
  const conflicts = await db
    .selectFrom('conflicts')
    .select(['id', 'rev', 'device_id', 'received_at'])
    .where('record_id', '=', recordId)
    .where('ward_code', '=', wardCode)
    .orderBy('received_at')
    .execute();
  return {
    recordId,
    rev: Number(row.rev),
    record: JSON.parse(latest.body) as unknown,
    revisions: revisions.map((r) => ({
      rev: Number(r.rev),
      deviceId: r.device_id,
      volunteerName: r.volunteer_name ?? null,
      receivedAt: r.received_at,
      clientUpdatedAt: r.client_updated_at,
    })),
    conflicts: conflicts.map((c) => ({ id: c.id, rev: Number(c.rev), deviceId: c.device_id, receivedAt: c.received_at })),
  };
}

/**
 * Records a staff rev the owning phone must take (the sync delivers it until acknowledged).
 * Every staff change of a record goes through here: the void today, corrections and erasures later.
 */
export async function markStaffChange(trx: Transaction<Database>, recordId: string, wardCode: string, fallbackOwner: string, rev: number, at: string): Promise<void> {
  const updated = await trx.updateTable('record_owners').set({ unseen_staff_rev: rev }).where('record_id', '=', recordId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    // Not expected (the ingest and the migration give every record an owner): own it as the rows say.
    await trx.insertInto('record_owners').values({ record_id: recordId, ward_code: wardCode, device_id: fallbackOwner, since: at, unseen_staff_rev: rev }).execute();
  }
}

export type VoidOutcome = { kind: 'voided'; rev: number } | { kind: 'not_found' } | { kind: 'already_voided' };

/**
 * Voids a household as ward staff: stores rev max+1 = the latest rev with voided: true and the
 * reason, in record_revisions with device_id `staff:<username>`, and refreshes the flattened
 * rows (which keep the surveying device's id, so team activity still credits the volunteer).
 * The owning phone is told through the sync (record_owners.unseen_staff_rev, see
 * docs/sync-protocol.md "Staff changes"): its answers carry this state until it acknowledges
 * taking it, and any rev it sends meanwhile is a conflict (kept for review) answered with this
 * state, so the void is never silently undone.
 */
export async function voidHousehold(server: ServerDb, who: StaffPrincipal, recordId: string, reason: string, now = new Date()): Promise<VoidOutcome> {
  const at = now.toISOString();
  return server.db.transaction().execute(async (trx) => {
    await lockWard(trx, server.dialect, who.wardCode);
    const row = await trx
      .selectFrom('households')
      .select(['rev', 'voided', 'device_id', 'surveyed_at'])
      .where('record_id', '=', recordId)
      .where('ward_code', '=', who.wardCode)
      .executeTakeFirst();
    if (!row) return { kind: 'not_found' } as const;
    if (Number(row.voided) === 1) return { kind: 'already_voided' } as const;
    const revs = await trx
      .selectFrom('record_revisions')
      .select(['rev', 'body'])
      .where('record_id', '=', recordId)
      .orderBy('rev', 'desc')
      .execute();
    const latest = revs.find((r) => Number(r.rev) === Number(row.rev));
    if (!latest) return { kind: 'not_found' } as const;
    const maxRev = Math.max(...revs.map((r) => Number(r.rev)));
    const stored = JSON.parse(latest.body) as HouseholdRecord;
    const next = {
      ...stored,
      rev: maxRev + 1,
      clientUpdatedAt: at,
      data: { ...stored.data, voided: true, voidReason: reason },
    };
    // The stored body may be of an older schema version: migrated for the rows, kept as it was.
    const checked = householdRecordKind.parse(next);
    if (!checked.ok) throw new Error(`stored household ${recordId} no longer parses: ${JSON.stringify(checked.errors)}`);
    const parsed = checked.record;
    // Hash of the body as stored, like a sync write (a phone resending this rev is a duplicate).
    const body = JSON.stringify(next);
    await trx
      .insertInto('record_revisions')
      .values({
        record_id: recordId,
        rev: next.rev,
        ward_code: who.wardCode,
        kind: next.kind,
        schema_version: next.schemaVersion,
        body,
        content_hash: sha256(body),
        device_id: `staff:${who.username}`,
        batch_id: randomUUID(),
        client_updated_at: at,
        received_at: at,
      })
      .execute();
    await markStaffChange(trx, recordId, who.wardCode, row.device_id, next.rev, at);
    // The survey date stays the one derived from the history (sync-ingest.ts), not the body's.
    const rows = withSurveyDate({ household: householdRow(parsed, row.device_id, at), members: memberRows(parsed, row.device_id, at) }, row.surveyed_at);
    const { record_id: _id, ...update } = rows.household;
    // The indicator counters lose the household in the same transaction (services/indicator-counters.ts).
    await withCounterDelta(server, trx, who.wardCode, recordId, rows, async () => {
      await trx.updateTable('households').set(update).where('record_id', '=', recordId).execute();
      await trx.deleteFrom('members').where('record_id', '=', recordId).execute();
      const members = rows.members;
      for (let i = 0; i < members.length; i += 200) await trx.insertInto('members').values(members.slice(i, i + 200)).execute();
    });
    await writeAudit(trx, who, 'household.void', recordId, { rev: next.rev, previousRev: Number(row.rev), reason }, now);
    return { kind: 'voided', rev: next.rev } as const;
  });
}
