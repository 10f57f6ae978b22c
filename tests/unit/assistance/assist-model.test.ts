// The assistance screen's model without a browser: every problem at once, years as typed at a
// table, the record's data, the save as the boundary between people, the unsaved entry kept.
import { afterEach, describe, expect, it } from 'vitest';
import {
  asEntry,
  buildDraft,
  checkEntry,
  chooseConsent,
  chooseOutcome,
  DECADES,
  emptyEntry,
  entryFromRecord,
  fromMember,
  keepEntry,
  loadEntry,
  pickDecade,
  readBirthYear,
  submitEntry,
  toggleKind,
  typeYear,
  type AssistEntry,
} from '../../../src/app/features/assistance/assist-model.js';
import { getLastSavedAssistance, listAssistances } from '../../../src/app/storage/assistance-repo.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import { freshDb } from '../../helpers/sync-fixtures.js';
import { validSurveyed } from '../../helpers/household-fixtures.js';
import type { HouseholdRecord } from '../../../src/shared/schema/household.js';

const dbs: GoCuaDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
async function db(): Promise<GoCuaDb> {
  const d = await freshDb(true);
  dbs.push(d);
  return d;
}

const NOW = new Date('2026-11-22T02:00:00.000Z');
const ctx = { wardCode: '10546', now: NOW, campaign: ' Đợt ra quân 22/11 ', place: 'Nhà văn hóa' };
const installedDone = (year = '55'): AssistEntry => typeYear(chooseOutcome(toggleKind(emptyEntry(), 'install_vneid'), 'done'), year);

describe('year of birth at the table', () => {
  it('reads four digits, two digits and a decade shortcut plus one digit', () => {
    expect(readBirthYear('1955', 2026)).toEqual({ ok: true, year: 1955 });
    expect(readBirthYear('55', 2026)).toEqual({ ok: true, year: 1955 });
    expect(readBirthYear('10', 2026)).toEqual({ ok: true, year: 2010 });
    expect(readBirthYear('26', 2026)).toEqual({ ok: true, year: 2026 });
    expect(readBirthYear('27', 2026)).toEqual({ ok: true, year: 1927 });
    expect(typeYear(pickDecade(emptyEntry(), 193), '1937').birthYear).toBe('1937');
    expect(readBirthYear(`${pickDecade(emptyEntry(), 193).birthYear}8`, 2026)).toEqual({ ok: true, year: 1938 });
  });

  it('offers decades from the 1930s to the 2010s', () => {
    expect(DECADES[0]).toBe(193);
    expect(DECADES.at(-1)).toBe(201);
    expect(DECADES).toHaveLength(9);
  });

  it('"195" asks for the digits, never calls it "not a whole number"', () => {
    expect(readBirthYear('195', 2026)).toEqual({ ok: false, code: 'birth_year_digits' });
    expect(readBirthYear('1', 2026)).toEqual({ ok: false, code: 'birth_year_digits' });
    expect(readBirthYear('', 2026)).toEqual({ ok: false, code: 'required' });
    expect(readBirthYear('2030', 2026)).toEqual({ ok: false, code: 'birth_year_after_help' });
    expect(readBirthYear('1890', 2026)).toEqual({ ok: false, code: 'birth_year_range' });
  });

  it('typing keeps digits only, at most four', () => {
    expect(typeYear(emptyEntry(), '19a55x9').birthYear).toBe('1955');
  });
});

describe('checking an entry', () => {
  it('reports every problem at once, the missing reason included, whatever the year', () => {
    const entry = { ...chooseOutcome(emptyEntry(), 'not_done'), consent: 'yes' as const, birthYear: '195', phone: '12345' };
    expect(checkEntry(entry, { helpedYear: 2026, noticeVersion: '2026-12' })).toEqual([
      { path: 'kinds', code: 'kinds_required' },
      { path: 'reason', code: 'reason_required' },
      { path: 'person.birthYear', code: 'birth_year_digits' },
      { path: 'person.phone', code: 'phone_format' },
    ]);
    expect(checkEntry(emptyEntry(), { helpedYear: 2026 }).map((e) => e.code)).toEqual(['kinds_required', 'outcome_required', 'birth_year_required']);
  });

  it('"other" needs its words; "done" drops a reason chosen before', () => {
    const other = { ...chooseOutcome(installedDone(), 'needs_follow_up'), reason: 'other' as const };
    expect(checkEntry(other, { helpedYear: 2026 })).toEqual([{ path: 'reasonNote', code: 'required' }]);
    const back = chooseOutcome({ ...other, reasonNote: 'x' }, 'done');
    expect(back).toMatchObject({ outcome: 'done', reason: '', reasonNote: '' });
    expect(checkEntry(back, { helpedYear: 2026 })).toEqual([]);
  });

  it('toggling a kind twice takes it off', () => {
    expect(toggleKind(toggleKind(emptyEntry(), 'scam_awareness'), 'scam_awareness').kinds).toEqual([]);
  });
});

describe('the record data', () => {
  it('builds the draft: trimmed campaign, normalised phone with its consent, no reason when done', () => {
    const consented = chooseConsent(installedDone('1948'), 'yes', new Date('2026-11-22T02:59:00.000Z'));
    const built = buildDraft({ ...consented, name: '  Bà Tư ', phone: '+84912345678' }, { ...ctx, noticeVersion: '2026-12' });
    expect(built).toEqual({
      ok: true,
      draft: {
        wardCode: '10546',
        helpedAt: NOW.toISOString(),
        person: { birthYear: 1948, name: 'Bà Tư', phone: '0912345678' },
        consent: { given: true, purpose: 'assistance', noticeVersion: '2026-12', consentedAt: '2026-11-22T02:59:00.000Z' },
        kinds: ['install_vneid'],
        outcome: 'done',
        campaign: 'Đợt ra quân 22/11',
        place: 'Nhà văn hóa',
      },
    });
  });

  it('a linked member carries the household and its group; a card help carries the card', () => {
    const linked = { ...installedDone(), link: { householdId: 'h1', memberId: 'm1' } };
    const built = buildDraft(linked, { ...ctx, groupCode: 'TDP03' });
    expect(built.ok && built.draft).toMatchObject({ household: { householdId: 'h1', memberId: 'm1' }, groupCode: 'TDP03' });
    const card = typeYear(chooseOutcome(emptyEntry('vneid-install'), 'done'), '60');
    const cardBuilt = buildDraft(card, ctx);
    expect(cardBuilt.ok && cardBuilt.draft).toMatchObject({ kinds: ['teaching_card'], teachingCardId: 'vneid-install' });
  });
});

describe('consent before a name or phone (issue 12)', () => {
  const withNotice = { ...ctx, noticeVersion: '2026-12' };

  it('refuses a name or phone without "yes", or without a ward notice to consent to', () => {
    const typed = { ...installedDone('1948'), name: 'Bà Tư', phone: '0912345678' };
    const problems = [
      { path: 'person.name', code: 'consent_required_for_contact' },
      { path: 'person.phone', code: 'consent_required_for_contact' },
    ];
    expect(buildDraft(typed, withNotice)).toEqual({ ok: false, errors: problems });
    expect(buildDraft({ ...typed, consent: 'yes' }, ctx)).toEqual({ ok: false, errors: problems });
    expect(buildDraft({ ...typed, consent: 'yes' }, withNotice).ok).toBe(true);
  });

  it('"no" clears the name and phone and saves the year and the help without a consent record', async () => {
    const yes = { ...chooseConsent(installedDone('1948'), 'yes', NOW), name: 'Bà Tư', phone: '0912345678' };
    const no = chooseConsent(yes, 'no', NOW);
    expect(no).toMatchObject({ consent: 'no', name: '', phone: '' });
    expect(no.consentAt).toBeUndefined();
    const d = await db();
    const saved = await submitEntry(d, no, withNotice);
    expect(saved.ok && saved.record.data.person).toEqual({ birthYear: 1948 });
    expect(saved.ok && saved.record.data.consent).toBeUndefined();
  });

  it('a "yes" with nothing to keep records no consent; the time of "yes" is kept when repeated', () => {
    const yes = chooseConsent(installedDone('1948'), 'yes', new Date('2026-11-22T01:30:00.000Z'));
    expect(chooseConsent(yes, 'yes', NOW).consentAt).toBe('2026-11-22T01:30:00.000Z');
    const built = buildDraft(yes, withNotice);
    expect(built.ok && built.draft.consent).toBeUndefined();
  });

  it('a linked member gives the year; the name and phone only with consent, never over what was typed', () => {
    const household = validSurveyed() as unknown as HouseholdRecord;
    const head = household.data.members[0]!;
    expect(fromMember(household, head.id, emptyEntry(), false)).toEqual({ birthYear: '1980' });
    expect(fromMember(household, head.id, emptyEntry(), true)).toEqual({ birthYear: '1980', name: 'Nguyễn Văn Dũng', phone: '0912345678' });
    expect(fromMember(household, head.id, { ...emptyEntry(), birthYear: '80', name: 'Ông Dũng' }, true)).toEqual({ phone: '0912345678' });
    expect(fromMember(household, 'someone-else', emptyEntry(), true)).toEqual({});
  });

  it('an entry read back keeps a name and phone only with its "yes"; a saved record opens with its consent', async () => {
    expect(asEntry({ ...installedDone(), name: 'Bà Tư', phone: '0912345678' })).toMatchObject({ consent: '', name: '', phone: '' });
    expect(asEntry({ ...installedDone(), consent: 'yes', consentAt: 'x', name: 'Bà Tư' })).toMatchObject({ consent: 'yes', consentAt: 'x', name: 'Bà Tư' });
    const d = await db();
    const saved = await submitEntry(d, { ...chooseConsent(installedDone('1948'), 'yes', NOW), name: 'Bà Tư' }, withNotice);
    if (!saved.ok) throw new Error('not saved');
    expect(entryFromRecord(saved.record, 'again')).toMatchObject({ consent: 'yes', consentAt: NOW.toISOString(), name: 'Bà Tư' });
  });
});

describe('the save is the boundary between people', () => {
  it('a refused entry stays whole (and stored); the next person starts fresh only after a save', async () => {
    const d = await db();
    const failing = { ...chooseOutcome(toggleKind(emptyEntry(), 'install_vneid'), 'not_done'), birthYear: '48' };
    const refused = await submitEntry(d, failing, ctx);
    expect(refused).toMatchObject({ ok: false, errors: [{ path: 'reason', code: 'reason_required' }] });
    expect(refused.ok ? null : refused.entry).toEqual(failing);
    expect(await loadEntry(d)).toEqual(failing); // survives a reload
    expect(await listAssistances(d)).toHaveLength(0);

    const fixed = await submitEntry(d, { ...failing, reason: 'no_smartphone' }, ctx);
    expect(fixed.ok).toBe(true);
    if (!fixed.ok) return;
    expect(fixed.next).toEqual(emptyEntry());
    expect(await loadEntry(d)).toBeUndefined();
    expect(fixed.record.data).toMatchObject({ person: { birthYear: 1948 }, outcome: 'not_done', reason: 'no_smartphone', kinds: ['install_vneid'] });
    expect((await getLastSavedAssistance(d))?.id).toBe(fixed.record.id);
  });

  it('a blank entry is not kept; a started one is', async () => {
    const d = await db();
    await keepEntry(d, toggleKind(emptyEntry(), 'scam_awareness'));
    expect((await loadEntry(d))?.kinds).toEqual(['scam_awareness']);
    await keepEntry(d, emptyEntry());
    expect(await loadEntry(d)).toBeUndefined();
  });

  it('"Sửa lượt vừa lưu" opens every answer and saves a new rev of the same help', async () => {
    const d = await db();
    const first = await submitEntry(d, installedDone('82'), ctx);
    if (!first.ok) throw new Error('not saved');
    const edit = entryFromRecord(first.record, 'edit');
    expect(edit).toMatchObject({ kinds: ['install_vneid'], outcome: 'done', birthYear: '1982', existingId: first.record.id, mode: 'edit' });
    const again = await submitEntry(d, typeYear(edit, '1983'), ctx);
    expect(again.ok && again.record).toMatchObject({ id: first.record.id, rev: 2, data: { person: { birthYear: 1983 } } });
    expect(await listAssistances(d)).toHaveLength(1);
    // A next attempt keeps the person but asks the outcome again.
    expect(entryFromRecord(first.record, 'again')).toMatchObject({ outcome: '', birthYear: '1982', mode: 'again' });
  });
});
