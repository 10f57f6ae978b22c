// Hand-written assistance records for tests. Each call returns a fresh deep copy, typed loosely
// so a test can break any field.
import type { Loose } from './household-fixtures.js';

export const ASSIST_IDS = {
  record: '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5',
  install: '0d6c1f1e-8a4b-4c2d-b3e4-f5a6b7c8d9e0',
  household: '5b0f8a52-3c1e-4d7a-9a61-2f3c4d5e6f70',
  member: '21111111-2222-4333-8444-555555555555',
} as const;

const done = {
  id: ASSIST_IDS.record,
  kind: 'assistance',
  rev: 1,
  schemaVersion: 2,
  clientUpdatedAt: '2026-11-08T02:31:00.000Z',
  data: {
    wardCode: '10546',
    installId: ASSIST_IDS.install,
    helpedAt: '2026-11-08T02:30:00.000Z',
    person: { name: 'Trần Thị Hương', birthYear: 1955, phone: '0912345678' },
    consent: { given: true, purpose: 'assistance', noticeVersion: '2026-12', consentedAt: '2026-11-08T02:29:00.000Z' },
    household: { householdId: ASSIST_IDS.household, memberId: ASSIST_IDS.member },
    groupCode: 'TDP03',
    kinds: ['install_vneid'],
    outcome: 'done',
    campaign: 'Đợt ra quân tháng 11/2026',
    place: 'Nhà văn hóa TDP 03',
  },
};

export function validAssistance(): Loose {
  return JSON.parse(JSON.stringify(done));
}

/**
 * The same help as a phone on the build before issue 12 wrote it: schema version 1, a name and
 * a phone, and no consent record (version 1 had none).
 */
export function v1Assistance(): Loose {
  const record = validAssistance();
  record.schemaVersion = 1;
  delete record.data.consent;
  return record;
}

/** The smallest valid record: a year of birth, one kind, an outcome. */
export function minimalAssistance(): Loose {
  const record = validAssistance();
  record.data = {
    wardCode: '10546',
    installId: ASSIST_IDS.install,
    helpedAt: '2026-11-08T02:30:00.000Z',
    person: { birthYear: 1960 },
    kinds: ['install_vneid'],
    outcome: 'done',
  };
  return record;
}
