// Issue 12, point 3: the register of residents' personal-data requests (access / export,
// correction, erasure, withdrawal of consent), with how the requester's identity was checked,
// the dates received / acknowledged / answered and the deadlines computed when registered
// (services/data-subject-requests.ts). `records`: JSON array of the record ids (and member ids)
// the request concerns — ids only. The requester's name is optional (the ward may need it to
// answer); no other personal value is kept here. Added, never edited (see migrations/index.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_subject_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('requester_name', 'text')
    .addColumn('identity_check', 'text', (c) => c.notNull())
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('acknowledge_due', 'text', (c) => c.notNull())
    .addColumn('answer_due', 'text', (c) => c.notNull())
    .addColumn('acknowledged_on', 'text')
    .addColumn('answered_on', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('records', 'text', (c) => c.notNull())
    .addColumn('consent_withdrawn', 'text')
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('data_subject_requests_ward').on('data_subject_requests').columns(['ward_code', 'received_on']).execute();
}

export async function down(): Promise<void> {
  throw new Error('The data-subject requests migration is not reversible.');
}
