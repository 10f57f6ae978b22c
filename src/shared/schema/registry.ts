// Which record kinds and schema versions this code base understands. The server validates each
// incoming record with the schema found here (and names an unknown kind or version as such);
// the phone uses it to check what it stores. Add a row when a kind or a version is added.
import type { z } from 'zod';
import { ASSISTANCE_KIND, ASSISTANCE_SCHEMA_VERSION, assistanceRecordSchema, type AssistanceRecord } from './assistance.js';
import { HOUSEHOLD_KIND, HOUSEHOLD_SCHEMA_VERSION, householdRecordSchema, type HouseholdRecord } from './household.js';

export const RECORD_KINDS = [HOUSEHOLD_KIND, ASSISTANCE_KIND] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export type AnyRecord = HouseholdRecord | AssistanceRecord;

/** The newest schema version of each kind: what this build writes. */
export const CURRENT_SCHEMA_VERSION: Readonly<Record<RecordKind, number>> = {
  [HOUSEHOLD_KIND]: HOUSEHOLD_SCHEMA_VERSION,
  [ASSISTANCE_KIND]: ASSISTANCE_SCHEMA_VERSION,
};

const SCHEMAS: ReadonlyMap<string, z.ZodType<AnyRecord>> = new Map<string, z.ZodType<AnyRecord>>([
  [`${HOUSEHOLD_KIND}@${HOUSEHOLD_SCHEMA_VERSION}`, householdRecordSchema],
  [`${ASSISTANCE_KIND}@${ASSISTANCE_SCHEMA_VERSION}`, assistanceRecordSchema],
]);

export function isRecordKind(kind: unknown): kind is RecordKind {
  return typeof kind === 'string' && (RECORD_KINDS as readonly string[]).includes(kind);
}

/**
 * The zod schema of a whole record (envelope and data) of this kind and schema version, or null
 * when this build does not know the pair (an unknown kind, or a version from a newer or retired
 * app).
 */
export function recordSchemaFor(kind: unknown, schemaVersion: unknown): z.ZodType<AnyRecord> | null {
  if (typeof kind !== 'string' || typeof schemaVersion !== 'number') return null;
  return SCHEMAS.get(`${kind}@${schemaVersion}`) ?? null;
}
