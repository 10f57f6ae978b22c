// The pure choice of what leaves a phone after the ward's phoneRetentionDays.
import { describe, expect, it } from 'vitest';
import { selectForRetention, type RetentionRow } from '../../../src/shared/domain/phone-retention.js';
import { assistanceRecordSchema, type AssistanceRecord } from '../../../src/shared/schema/assistance.js';
import { householdRecordSchema, type HouseholdRecord } from '../../../src/shared/schema/household.js';
import { validAssistance } from '../../helpers/assistance-fixtures.js';
import { validSurveyed, validVisit, type Loose } from '../../helpers/household-fixtures.js';

const NOW = Date.parse('2026-11-20T05:00:00.000Z');
const OLD = '2026-07-01T02:00:00.000Z'; // 142 days before NOW
const RECENT = '2026-11-10T02:00:00.000Z';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function surveyed(n: number, change: (r: Loose) => void = () => {}): HouseholdRecord {
  const r = validSurveyed();
  r.id = uuid(n);
  r.data.members.forEach((m: Loose, i: number) => {
    m.id = uuid(n * 10 + i + 1);
    m.wantsHelp = [];
  });
  change(r);
  return householdRecordSchema.parse(r);
}
function notHome(n: number): HouseholdRecord {
  const r = validVisit('not_home');
  r.id = uuid(n);
  return householdRecordSchema.parse(r);
}
function assistance(n: number, change: (r: Loose) => void = () => {}): AssistanceRecord {
  const r = validAssistance();
  r.id = uuid(900 + n);
  delete r.data.household;
  change(r);
  return assistanceRecordSchema.parse(r);
}
const row = (record: HouseholdRecord | AssistanceRecord, at: string, synced = true): RetentionRow =>
  record.kind === 'assistance'
    ? { id: record.id, kind: 'assistance', record: record as AssistanceRecord, synced, touchedAt: [at] }
    : { id: record.id, kind: 'household', record: record as HouseholdRecord, synced, touchedAt: [at] };
const select = (rows: RetentionRow[], pinned: string[] = [], days = 90) => selectForRetention({ rows, pinned: new Set(pinned), days, now: NOW });

describe('phone retention: what leaves the phone', () => {
  it('removes a synced household saved more than the days ago, keeps a recent one', () => {
    const old = surveyed(1);
    const recent = surveyed(2);
    expect(select([row(old, OLD), row(recent, RECENT)])).toEqual({ remove: [old.id], keptForFollowUp: 0 });
    // The boundary: exactly `days` old stays; a millisecond more leaves.
    const edge = new Date(NOW - 90 * 86_400_000).toISOString();
    expect(select([row(old, edge)]).remove).toEqual([]);
    expect(select([row(old, new Date(NOW - 90 * 86_400_000 - 1).toISOString())]).remove).toEqual([old.id]);
  });

  it('never removes what is not synced, waits in the outbox, is drafted, or cannot be read (locked)', () => {
    const a = surveyed(1);
    const b = surveyed(2);
    const c = surveyed(3);
    expect(select([row(a, OLD, false)]).remove).toEqual([]);
    expect(select([row(b, OLD)], [b.id]).remove).toEqual([]);
    const locked: RetentionRow = { id: c.id, kind: 'household', record: { ...c, data: undefined } as unknown as HouseholdRecord, synced: true, touchedAt: [OLD] };
    expect(select([locked]).remove).toEqual([]);
    // No readable time at all: kept.
    expect(select([{ ...row(a, OLD), touchedAt: [undefined, 'not a date'] }]).remove).toEqual([]);
  });

  it('counts the latest of the times given (a household re-edited recently stays)', () => {
    const h = surveyed(1);
    expect(select([{ ...row(h, OLD), touchedAt: [OLD, RECENT] }]).remove).toEqual([]);
  });

  it('keeps what the follow-up list needs: an open revisit, a member who asked for help, an unfinished help and its household', () => {
    const revisit = notHome(1);
    const asked = surveyed(2, (r) => (r.data.members[1].wantsHelp = ['payments']));
    const linked = surveyed(3);
    const open = assistance(1, (r) => {
      Object.assign(r.data, { outcome: 'not_done', reason: 'no_nfc_chip_reader' });
      r.data.household = { householdId: linked.id, memberId: linked.data.members[0]!.id };
    });
    const plain = surveyed(4);
    const doneHelp = assistance(2);
    const rows = [row(revisit, OLD), row(asked, OLD), row(linked, OLD), row(open, OLD), row(plain, OLD), row(doneHelp, OLD)];
    const { remove, keptForFollowUp } = select(rows);
    expect(remove.sort()).toEqual([plain.id, doneHelp.id].sort());
    expect(keptForFollowUp).toBe(4);
  });

  it('keeps a done help linked to a household that stays (it closes that member’s request)', () => {
    const asked = surveyed(1, (r) => (r.data.members[1].wantsHelp = ['vneid_install', 'payments']));
    const member = asked.data.members[1]!;
    // Done install, after the survey: vneid_install is met; payments is still open, so the household stays.
    const doneInstall = assistance(1, (r) => {
      r.data.household = { householdId: asked.id, memberId: member.id };
      r.data.helpedAt = '2026-11-08T02:30:00.000Z';
    });
    const { remove } = select([row(asked, OLD), row(doneInstall, OLD)]);
    expect(remove).toEqual([]);
    // Once the household has gone (nothing open), its done help may go too.
    const quiet = surveyed(2);
    const doneForQuiet = assistance(2, (r) => (r.data.household = { householdId: quiet.id, memberId: quiet.data.members[0]!.id }));
    expect(select([row(quiet, OLD), row(doneForQuiet, OLD)]).remove.sort()).toEqual([quiet.id, doneForQuiet.id].sort());
  });

  it('removes voided records past the days like any other', () => {
    const voided = surveyed(1, (r) => Object.assign(r.data, { voided: true, voidReason: 'Nhập trùng' }));
    expect(select([row(voided, OLD)]).remove).toEqual([voided.id]);
  });
});
