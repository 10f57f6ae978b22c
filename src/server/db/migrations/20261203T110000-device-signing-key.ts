// Issue 14, point 5: each device's public signing key (ECDSA P-256, the uncompressed point as
// base64url), with which the server checks a rescue file the phone exported when it could not
// sync (docs/sync-protocol.md, "Rescue files"). Sent with enrolment; a phone enrolled before
// registers its own once (POST /api/v1/devices/signing-key), never replacing one registered.
// Devices enrolled before have none (null) until then. Added, never edited (see migrations/index.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Idempotent (a column already there is kept), as the migrations after the audit chain are:
  // its upgrade test runs them again over a database that has them.
  const devices = (await db.introspection.getTables()).find((t) => t.name === 'devices');
  const has = (column: string) => devices?.columns.some((c) => c.name === column) ?? false;
  if (!has('signing_key')) await db.schema.alterTable('devices').addColumn('signing_key', 'text').execute();
  if (!has('signing_key_at')) await db.schema.alterTable('devices').addColumn('signing_key_at', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('The device signing key migration is not reversible.');
}
