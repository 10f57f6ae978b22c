// defineRecordKind: one strict envelope for every kind, migrations from every older version,
// and named errors for versions this build cannot read. Uses a test-only kind with two versions.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRecordKind } from '../../../src/shared/schema/record-kind.js';

// v1 data: { fullName }; v2: { name, note? }; v3: { name, note } with note always present.
const noteKind = defineRecordKind({
  kind: 'note',
  version: 3,
  dataSchema: z.strictObject({ name: z.string().min(1), note: z.string() }),
  migrations: {
    2: (v1) => ({ name: (v1 as { fullName: string }).fullName }),
    3: (v2) => ({ note: '', ...(v2 as object) }),
  },
});

const envelope = (schemaVersion: unknown, data: unknown, extra: object = {}) => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'note',
  rev: 1,
  schemaVersion,
  clientUpdatedAt: '2026-12-01T08:00:00.000Z',
  data,
  ...extra,
});

describe('defineRecordKind', () => {
  it('reads the current version as it is', () => {
    expect(noteKind.parse(envelope(3, { name: 'A', note: 'n' }))).toMatchObject({ ok: true, record: { schemaVersion: 3, data: { name: 'A', note: 'n' } } });
  });

  it('migrates every older version step by step, then checks the result', () => {
    expect(noteKind.parse(envelope(1, { fullName: 'Lan' }))).toMatchObject({ ok: true, record: { schemaVersion: 3, data: { name: 'Lan', note: '' } } });
    expect(noteKind.parse(envelope(2, { name: 'Lan', note: 'x' }))).toMatchObject({ ok: true, record: { schemaVersion: 3, data: { name: 'Lan', note: 'x' } } });
    // A migrated record still has to pass today's schema.
    expect(noteKind.parse(envelope(1, { fullName: '' }))).toEqual({ ok: false, errors: [{ path: 'data.name', code: 'invalid' }] });
  });

  it('migrations are pure: the input is not changed and the same input gives the same output', () => {
    const input = envelope(1, { fullName: 'Lan' });
    const copy = structuredClone(input);
    expect(noteKind.migrate(input)).toEqual(noteKind.migrate(copy));
    expect(input).toEqual(copy);
  });

  it('names a version it has no path for, and a migration that meets impossible data', () => {
    for (const v of [0, '3', '4', 1.5, 4.5, -1, undefined]) {
      expect(noteKind.parse(envelope(v, { name: 'A', note: '' }))).toEqual({ ok: false, errors: [{ path: 'schemaVersion', code: 'unknown_schema_version' }] });
    }
    // A whole version above the current one: written by a newer app, not broken (the sender keeps it).
    for (const v of [4, 99]) {
      expect(noteKind.parse(envelope(v, { name: 'A', note: '' }))).toEqual({ ok: false, errors: [{ path: 'schemaVersion', code: 'newer_schema_version' }] });
    }
    expect(noteKind.parse(envelope(1, null))).toEqual({ ok: false, errors: [{ path: 'data', code: 'invalid' }] });
  });

  it('has one strict envelope: an unknown key is unknown_field', () => {
    expect(noteKind.parse(envelope(3, { name: 'A', note: '' }, { token: 'x' }))).toEqual({ ok: false, errors: [{ path: 'token', code: 'unknown_field' }] });
  });

  it('refuses a definition with a missing or stray migration', () => {
    expect(() => defineRecordKind({ kind: 'x', version: 2, dataSchema: z.object({}) })).toThrow(/no migration to version 2/);
    expect(() => defineRecordKind({ kind: 'x', version: 1, dataSchema: z.object({}), migrations: { 2: (d) => d } })).toThrow(/outside/);
  });
});
