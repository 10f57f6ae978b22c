// Ownership of records inside a ward (issue 10, point 5): only the owning device writes new revs
// of a record (decideStatus, src/shared/protocol/decide-status.ts). The owner is the device that
// stored the record's first rev, until staff hand it to another device (transfer-records).
// `unseen_staff_rev` is the rev of a staff change (a void; later corrections and erasures) that
// the owning phone has not yet acknowledged taking: while it is set, the sync answers carry the
// server's state of the record and any rev the phone sends is a conflict against it.
// Added, never edited (see migrations/index.ts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('record_owners')
    .addColumn('record_id', 'text', (c) => c.primaryKey())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('unseen_staff_rev', 'integer')
    .execute();
  // Transfers select by device; deliveries by device and a set unseen_staff_rev.
  await db.schema.createIndex('record_owners_device').on('record_owners').columns(['device_id', 'unseen_staff_rev']).execute();

  // Backfill: every stored record is owned by the device of its first stored rev.
  await sql`
    INSERT INTO record_owners (record_id, ward_code, device_id, since)
    SELECT r.record_id, r.ward_code, r.device_id, r.received_at
    FROM record_revisions r
    WHERE r.rev = (SELECT MIN(r2.rev) FROM record_revisions r2 WHERE r2.record_id = r.record_id)
  `.execute(db);
  // A staff void already stored and still the latest rev was never told to its phone.
  await sql`
    UPDATE record_owners SET unseen_staff_rev = (
      SELECT MAX(r.rev) FROM record_revisions r WHERE r.record_id = record_owners.record_id
    )
    WHERE EXISTS (
      SELECT 1 FROM record_revisions r
      WHERE r.record_id = record_owners.record_id
        AND r.device_id LIKE 'staff:%'
        AND r.rev = (SELECT MAX(r2.rev) FROM record_revisions r2 WHERE r2.record_id = record_owners.record_id)
    )
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The record owners migration is not reversible.');
}
