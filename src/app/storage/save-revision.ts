// The phone's one save pipeline for every record kind (households, assistances, and any kind
// defined later with defineRecordKind). Contract:
// - next rev (1 for a new record, the previous rev + 1 for an edit or a void);
// - practice flag: a NEW record is practice when the phone is in practice mode (meta
//   `practiceMode`); an edit keeps what the first save said;
// - validation with the kind's shared schema: bad data comes back as field errors (paths in
//   `data` terms, "members.0.birthYear"), never as an exception;
// - the `records` row, the kind's own derived rows (e.g. the household's summary), the new
//   `outbox` entry and the kind's extra writes (e.g. the draft's removal) in ONE transaction,
//   so a crash mid-save never leaves a record that will not sync, nor an outbox entry without
//   its record. A full phone throws StorageFullError (the caller keeps the form).
// - sealing: the envelope is sealed to the ward's public key BEFORE the transaction (the
//   crypto is asynchronous and IndexedDB transactions do not wait for it), and the outbox entry
//   carries the sealed payload, so a locked phone can still send it (storage/outbox-sealing.ts).
//   No key yet: the entry is stored clear, as before.
// - size: a record over MAX_RECORD_BYTES (src/shared/protocol/record-limits.ts), which the ward
//   would refuse, is not saved: a field error `record_too_large` (path '') instead.
import type { Table } from 'dexie';
import type { z } from 'zod';
import { toFieldErrors, type FieldError } from '../../shared/domain/validation.js';
import { checkRecordLimits } from '../../shared/protocol/record-limits.js';
import type { RecordEnvelope, RecordKindDefinition } from '../../shared/schema/record-kind.js';
import type { AnyRecord } from '../../shared/schema/registry.js';
import type { GoCuaDb, SyncState } from './db.js';
import { guardQuota } from './errors.js';
import { isPracticeMode } from './meta.js';
import { sealEnvelope } from './outbox-sealing.js';

/** What every `records` row carries, whatever its kind. */
export interface StoredRow<R> {
  id: string;
  record: R;
  syncState: SyncState;
  syncedRev?: number;
}

export type SaveRevisionResult<R, Row> = { ok: true; record: R; stored: Row } | { ok: false; errors: FieldError[] };

export interface SaveRevisionInput<K extends string, V extends number, D extends z.ZodType, Row> {
  kind: RecordKindDefinition<K, V, D>;
  /** The stored row this save follows (an edit or a void), or undefined for a new record. */
  previous: StoredRow<RecordEnvelope<K, V, z.output<D>>> | undefined;
  /** The record's data (without the practice flag, which is set here). */
  data: Record<string, unknown>;
  now: Date;
  /** The `records` row for the validated record (with `syncState: 'pending'` and syncedRev kept). */
  toRow: (record: RecordEnvelope<K, V, z.output<D>>, base: StoredRow<RecordEnvelope<K, V, z.output<D>>>) => Row;
  /** Writes of the kind's own in the same transaction (summary rows, draft removal), and their tables. */
  alsoWrite?: { tables: Table[]; write: (row: Row) => Promise<unknown> };
}

// The caller thinks in `data` paths ("members.0.birthYear"), not envelope paths.
function stripDataPrefix(e: FieldError): FieldError {
  return e.path.startsWith('data.') ? { ...e, path: e.path.slice(5) } : e;
}

export async function saveRevision<K extends string, V extends number, D extends z.ZodType, Row extends StoredRow<unknown>>(
  db: GoCuaDb,
  input: SaveRevisionInput<K, V, D, Row>,
): Promise<SaveRevisionResult<RecordEnvelope<K, V, z.output<D>>, Row>> {
  const { kind, previous, now } = input;
  const previousData = previous?.record.data as { practice?: unknown } | undefined;
  const practice = previous ? previousData?.practice === true : await isPracticeMode(db);
  const candidate = {
    id: previous?.id ?? crypto.randomUUID(),
    kind: kind.kind,
    rev: previous ? previous.record.rev + 1 : 1,
    schemaVersion: kind.version,
    clientUpdatedAt: now.toISOString(),
    data: { ...input.data, ...(practice ? { practice: true } : {}) },
  };
  const parsed = kind.recordSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error, '').map(stripDataPrefix) };
  const record = parsed.data;
  // The ward refuses a record over MAX_RECORD_BYTES: say so now, while the form is still open.
  const limit = checkRecordLimits(record);
  if (limit) return { ok: false, errors: [limit] };
  const row = input.toRow(record, {
    id: record.id,
    record,
    syncState: 'pending',
    ...(previous?.syncedRev !== undefined ? { syncedRev: previous.syncedRev } : {}),
  });
  const extra = input.alsoWrite;
  const sealed = await sealEnvelope(db, record as AnyRecord);
  await guardQuota(() =>
    db.transaction('rw', [db.records, db.outbox, ...(extra?.tables ?? [])], async () => {
      await db.records.put(row as never);
      await db.outbox.add({ recordId: record.id, rev: record.rev, queuedAt: now.toISOString(), state: 'queued', attempts: 0, ...(sealed ? { sealed } : {}) });
      await extra?.write(row);
    }),
  );
  return { ok: true, record, stored: row };
}
