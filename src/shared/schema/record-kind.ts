// One record kind = one definition: its name, its current schema version, the schema of its
// `data`, and the migrations that bring older versions up to the current one. Every kind shares
// one sync envelope, built here once:
//   { id, kind, rev, schemaVersion, clientUpdatedAt, data }
// The envelope is strict for every kind: a key it does not know is `unknown_field`, never stored.
//
// Migrations are pure and deterministic: `migrations[v]` takes the `data` of version v − 1 and
// returns the `data` of version v. A record of any version from 1 to the current one is migrated
// step by step and then checked by the current schema. A whole version above the current one
// (written by a newer app than this build) is `newer_schema_version`: nothing is wrong with the
// record, this reader is too old, so the sender keeps it until the reader is updated
// (docs/sync-protocol.md, "Record versions"). Any other version (0, a string, 1.5) is
// `unknown_schema_version`. Migrations are only added, never edited: phones and the server may
// hold data of every version ever written.
//
// Adding a kind is one file that calls defineRecordKind and one line in registry.ts; adding a
// version is raising `version` and adding its `migrations` slot in the kind's own file.
import { z } from 'zod';
import type { RelevanceAges } from '../domain/relevance.js';
import { toFieldErrors, type FieldError } from '../domain/validation.js';
import { isoDateTimeSchema, missingOr, uuidSchema } from './common.js';

/** For envelope keys: `required` when missing, `unknown_field` for a key not in the schema, else `invalid`. */
export const strictError = {
  error: (issue: { code?: string; input?: unknown }): string =>
    issue.code === 'unrecognized_keys' ? 'unknown_field' : issue.input === undefined ? 'required' : 'invalid',
};

export const revSchema = z
  .number({ error: missingOr('rev_invalid') })
  .int({ error: 'rev_invalid' })
  .min(1, { error: 'rev_invalid' });

/** `data` of version v − 1 → `data` of version v. Pure: no clock, no randomness, no I/O. */
export type Migration = (data: unknown) => unknown;

/**
 * What a reader knows beyond the record: the ward's settings the record is checked against
 * (the server's sync check and the phone's form know the ward configuration).
 */
export interface RecordContext {
  ages: RelevanceAges;
}

/** A check of `data` that needs the ward: returns the data to keep and its errors (data paths). */
export type ContextCheck<Data> = (data: Data, context: RecordContext) => { data: Data; errors: FieldError[] };

export interface RecordKindSpec<K extends string, V extends number, D extends z.ZodType> {
  kind: K;
  /** The current schema version: what this build writes. */
  version: V;
  dataSchema: D;
  /** `migrations[v]` for every v from 2 to `version` (checked when the kind is defined). */
  migrations?: Readonly<Record<number, Migration>>;
  /** The kind's rules that depend on the ward (e.g. the household's relevance table). */
  inContext?: ContextCheck<z.output<D>>;
}

/** A record of this kind at its current version, as the schema outputs it. */
export interface RecordEnvelope<K extends string, V extends number, Data> {
  id: string;
  kind: K;
  rev: number;
  schemaVersion: V;
  clientUpdatedAt: string;
  data: Data;
}

export type ParseResult<R> = { ok: true; record: R } | { ok: false; errors: FieldError[] };

export interface RecordKindDefinition<K extends string, V extends number, D extends z.ZodType> {
  readonly kind: K;
  readonly version: V;
  readonly dataSchema: D;
  /** The whole record at the current version (strict envelope + data). */
  readonly recordSchema: z.ZodType<RecordEnvelope<K, V, z.output<D>>, RecordEnvelope<K, V, z.input<D>>>;
  readonly migrations: Readonly<Record<number, Migration>>;
  /** Whether this build can read records of that schema version (1 … version). */
  knowsVersion(schemaVersion: unknown): schemaVersion is number;
  /**
   * Brings an envelope of a known older version up to the current one (data migrated, version
   * set). An envelope already current comes back as it is. Pure; does not validate.
   */
  migrate(envelope: Record<string, unknown>): Record<string, unknown>;
  /**
   * Migrate then check: the one way any record of this kind is read from outside. With a
   * context the ward's rules run too (their errors are `data.`-prefixed like the schema's).
   */
  parse(input: unknown, context?: RecordContext): ParseResult<RecordEnvelope<K, V, z.output<D>>>;
  /** The ward's rules alone, on `data` already checked by the schema (paths in `data` terms). */
  checkInContext(data: z.output<D>, context: RecordContext): { data: z.output<D>; errors: FieldError[] };
}

export function defineRecordKind<const K extends string, const V extends number, D extends z.ZodType>(
  spec: RecordKindSpec<K, V, D>,
): RecordKindDefinition<K, V, D> {
  const { kind, version, dataSchema } = spec;
  const migrations = Object.freeze({ ...(spec.migrations ?? {}) });
  if (!Number.isInteger(version) || version < 1) throw new Error(`${kind}: version must be a whole number ≥ 1`);
  for (let v = 2; v <= version; v++) {
    if (typeof migrations[v] !== 'function') throw new Error(`${kind}: no migration to version ${v}`);
  }
  for (const key of Object.keys(migrations)) {
    const v = Number(key);
    if (!(v >= 2 && v <= version)) throw new Error(`${kind}: migration to version ${key} is outside 2…${version}`);
  }

  const recordSchema = z.strictObject(
    {
      id: uuidSchema,
      kind: z.literal(kind, { error: 'unknown_kind' }),
      rev: revSchema,
      schemaVersion: z.literal(version, { error: 'unknown_schema_version' }),
      clientUpdatedAt: isoDateTimeSchema,
      data: dataSchema,
    },
    strictError,
  ) as unknown as RecordKindDefinition<K, V, D>['recordSchema'];

  const knowsVersion = (schemaVersion: unknown): schemaVersion is number =>
    typeof schemaVersion === 'number' && Number.isInteger(schemaVersion) && schemaVersion >= 1 && schemaVersion <= version;

  const isNewerVersion = (schemaVersion: unknown): boolean =>
    typeof schemaVersion === 'number' && Number.isInteger(schemaVersion) && schemaVersion > version;

  const migrate = (envelope: Record<string, unknown>): Record<string, unknown> => {
    const from = envelope.schemaVersion;
    if (!knowsVersion(from) || from === version) return envelope;
    let data = envelope.data;
    for (let v = from + 1; v <= version; v++) data = migrations[v]!(data);
    return { ...envelope, schemaVersion: version, data };
  };

  return {
    kind,
    version,
    dataSchema,
    recordSchema,
    migrations,
    knowsVersion,
    migrate,
    checkInContext(data, context) {
      return spec.inContext ? spec.inContext(data, context) : { data, errors: [] };
    },
    parse(input, context) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        return { ok: false, errors: [{ path: '', code: 'invalid' }] };
      }
      const envelope = input as Record<string, unknown>;
      if (envelope.kind !== kind) return { ok: false, errors: [{ path: 'kind', code: 'unknown_kind' }] };
      if (!knowsVersion(envelope.schemaVersion)) {
        return { ok: false, errors: [{ path: 'schemaVersion', code: isNewerVersion(envelope.schemaVersion) ? 'newer_schema_version' : 'unknown_schema_version' }] };
      }
      let migrated: Record<string, unknown>;
      try {
        migrated = migrate(envelope);
      } catch {
        // A migration meets data its version never allowed: that record is invalid, not a crash.
        return { ok: false, errors: [{ path: 'data', code: 'invalid' }] };
      }
      const parsed = recordSchema.safeParse(migrated);
      if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
      if (!context || !spec.inContext) return { ok: true, record: parsed.data };
      const checked = spec.inContext(parsed.data.data, context);
      if (checked.errors.length > 0) return { ok: false, errors: checked.errors.map((e) => ({ ...e, path: `data.${e.path}` })) };
      return { ok: true, record: { ...parsed.data, data: checked.data } };
    },
  };
}
