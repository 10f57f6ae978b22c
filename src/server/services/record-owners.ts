// Who may write a record inside a ward (record_owners; the rule itself is decideStatus in
// src/shared/protocol/decide-status.ts). Staff hand every record of one device to another
// device of the same ward — typically a phone re-enrolled after its token was revoked or lost,
// which keeps its records in IndexedDB under a new device id. The transfer hands over the right
// to write only: nothing is sent to the new device (phones never download other phones'
// records). Audited; used by the admin CLI (transfer-records) and the dashboard's devices screen.
import type { Kysely } from 'kysely';
import { lockWard, type ServerDb } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { StaffPrincipal } from './accounts.js';
import { writeAudit } from './audit.js';

export type TransferOutcome =
  | { ok: true; wardCode: string; records: number }
  | { ok: false; reason: 'same_device' | 'from_not_found' | 'to_not_found' | 'other_ward' | 'to_revoked' };

export interface TransferInput {
  from: string;
  to: string;
  /** When set (a staff member's request), both devices must be of this ward, else *_not_found. */
  wardCode?: string;
  /** Who does it, for the audit log; the CLI passes a principal of its own (see cliActor). */
  actor: (wardCode: string) => StaffPrincipal;
}

/** The audit log's actor for the admin CLI, which has no signed-in account. */
export function cliActor(wardCode: string): StaffPrincipal {
  return { role: 'ward_admin', userId: 'cli', username: 'admin-cli', wardCode };
}

async function device(db: Kysely<Database>, id: string) {
  return db.selectFrom('devices').select(['id', 'ward_code', 'volunteer_name', 'revoked_at']).where('id', '=', id).executeTakeFirst();
}

export async function transferRecords(server: ServerDb, input: TransferInput, now = new Date()): Promise<TransferOutcome> {
  if (input.from === input.to) return { ok: false, reason: 'same_device' };
  const from = await device(server.db, input.from);
  const to = await device(server.db, input.to);
  if (!from || (input.wardCode !== undefined && from.ward_code !== input.wardCode)) return { ok: false, reason: 'from_not_found' };
  if (!to || (input.wardCode !== undefined && to.ward_code !== input.wardCode)) return { ok: false, reason: 'to_not_found' };
  if (from.ward_code !== to.ward_code) return { ok: false, reason: 'other_ward' };
  // A revoked device cannot sync: handing it records would leave them with no writer.
  if (to.revoked_at) return { ok: false, reason: 'to_revoked' };
  const wardCode = from.ward_code;
  return server.db.transaction().execute(async (trx) => {
    // Serialised with the ward's sync batches: a batch sees the owner before or after, never half.
    await lockWard(trx, server.dialect, wardCode);
    const at = now.toISOString();
    const result = await trx
      .updateTable('record_owners')
      .set({ device_id: to.id, since: at })
      .where('device_id', '=', from.id)
      .where('ward_code', '=', wardCode)
      .executeTakeFirst();
    const records = Number(result.numUpdatedRows);
    await writeAudit(
      trx,
      input.actor(wardCode),
      'records.transfer',
      to.id,
      { from: from.id, to: to.id, fromVolunteer: from.volunteer_name, toVolunteer: to.volunteer_name, records },
      now,
    );
    return { ok: true, wardCode, records } as const;
  });
}
