// Which record kinds this code base understands, each defined once with defineRecordKind
// (record-kind.ts). The server reads every incoming record through `parseRecord` (migrated to
// the current version, then checked), and names an unknown kind or version as such; the phone
// saves through the same definitions. Add a kind: one file and one line in RECORD_KIND_LIST.
import { assistanceRecordKind, type AssistanceRecord } from './assistance.js';
import { householdRecordKind, type HouseholdRecord } from './household.js';
import type { ParseResult, RecordContext } from './record-kind.js';

const RECORD_KIND_LIST = [householdRecordKind, assistanceRecordKind] as const;

export type AnyRecordKindDefinition = (typeof RECORD_KIND_LIST)[number];
export type RecordKind = AnyRecordKindDefinition['kind'];
export type AnyRecord = HouseholdRecord | AssistanceRecord;

export const RECORD_KINDS: readonly RecordKind[] = RECORD_KIND_LIST.map((k) => k.kind);

/** The newest schema version of each kind: what this build writes. */
export const CURRENT_SCHEMA_VERSION: Readonly<Record<RecordKind, number>> = Object.fromEntries(
  RECORD_KIND_LIST.map((k) => [k.kind, k.version]),
) as Record<RecordKind, number>;

const BY_KIND: ReadonlyMap<string, AnyRecordKindDefinition> = new Map(RECORD_KIND_LIST.map((k) => [k.kind, k]));

export function isRecordKind(kind: unknown): kind is RecordKind {
  return typeof kind === 'string' && BY_KIND.has(kind);
}

/** The definition of a kind, or null for a kind this build does not know. */
export function recordKindFor(kind: unknown): AnyRecordKindDefinition | null {
  return typeof kind === 'string' ? (BY_KIND.get(kind) ?? null) : null;
}

/**
 * Any record as it arrives (from a phone, from a stored revision, from an older IndexedDB row):
 * its kind is looked up, an older known version is migrated, then the current schema checks it.
 * Unknown kinds and versions are named errors, never exceptions. With the ward's context the
 * kind's ward rules run too (the household's relevance table: record-kind.ts `inContext`).
 */
export function parseRecord(input: unknown, context?: RecordContext): ParseResult<AnyRecord> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, errors: [{ path: '', code: 'invalid' }] };
  const definition = recordKindFor((input as { kind?: unknown }).kind);
  if (!definition) return { ok: false, errors: [{ path: 'kind', code: 'unknown_kind' }] };
  return definition.parse(input, context) as ParseResult<AnyRecord>;
}
