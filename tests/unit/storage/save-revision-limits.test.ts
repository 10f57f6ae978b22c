// saveRevision refuses a record the ward would refuse for its size (MAX_RECORD_BYTES): a field
// error the form shows, nothing written, no outbox entry. (No valid household or assistance
// reaches the cap — it is sized for the largest one — so a kind without text bounds shows it.)
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { saveRevision } from '../../../src/app/storage/save-revision.js';
import { MAX_RECORD_BYTES } from '../../../src/shared/protocol/record-limits.js';
import { defineRecordKind } from '../../../src/shared/schema/record-kind.js';
import { freshDb } from '../../helpers/sync-fixtures.js';

const noteKind = defineRecordKind({ kind: 'note', version: 1, dataSchema: z.strictObject({ text: z.string() }) });

describe('saveRevision and the record size cap', () => {
  it('saves a record under the cap and refuses one over it as record_too_large', async () => {
    const db = await freshDb();
    const save = (text: string) =>
      saveRevision(db, { kind: noteKind, previous: undefined, data: { text }, now: new Date('2026-11-20T08:00:00Z'), toRow: (_r, base) => base });
    expect((await save('ngắn')).ok).toBe(true);
    const result = await save('ệ'.repeat(Math.ceil(MAX_RECORD_BYTES / 3)));
    expect(result).toEqual({ ok: false, errors: [{ path: '', code: 'record_too_large' }] });
    expect(await db.records.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
  });
});
