import { describe, expect, it } from 'vitest';
import { buildFollowUpList, latestRevs, vneidUpdateSuggestion, type FollowUpItem } from '../../../src/shared/domain/follow-up.js';
import { assistanceRecordSchema, type AssistanceRecord } from '../../../src/shared/schema/assistance.js';
import { householdRecordSchema, type HouseholdRecord } from '../../../src/shared/schema/household.js';
import { TEACHING_CARDS } from '../../../seeds/teaching/index.js';
import { validAssistance } from '../../helpers/assistance-fixtures.js';
import { validSurveyed, validVisit, type Loose } from '../../helpers/household-fixtures.js';

const NOW = '2026-11-20T05:00:00.000Z';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * A surveyed household (survey 2026-10-15T02:10Z) with fresh ids: members[0] head (level 2,
 * wants nothing), members[1] spouse (level 1, wants level 2), members[2] child.
 */
function surveyed(n: number, change: (r: Loose) => void = () => {}): HouseholdRecord {
  const r = validSurveyed();
  r.id = uuid(n);
  r.data.members.forEach((m: Loose, i: number) => (m.id = uuid(n * 10 + i + 1)));
  r.data.members[1].vneid = 'level1';
  change(r);
  return householdRecordSchema.parse(r);
}
const memberOf = (n: number, i: number) => uuid(n * 10 + i + 1);

function notHome(n: number, change: (r: Loose) => void = () => {}): HouseholdRecord {
  const r = validVisit('not_home');
  r.id = uuid(n);
  change(r);
  return householdRecordSchema.parse(r);
}

/** An assistance of household n's member i (linked), done, 2026-11-08T02:30Z, kind install_vneid. */
function helped(n: number, change: (r: Loose) => void = () => {}): AssistanceRecord {
  const r = validAssistance();
  r.id = uuid(900 + n);
  delete r.data.groupCode;
  change(r);
  return assistanceRecordSchema.parse(r);
}
const linkTo = (r: Loose, n: number, i: number) => (r.data.household = { householdId: uuid(n), memberId: memberOf(n, i) });
const notDone = (r: Loose, reason = 'no_nfc_chip_reader') => Object.assign(r.data, { outcome: 'not_done', reason });

function items(input: { households?: HouseholdRecord[]; assistances?: AssistanceRecord[] }, cards = false): FollowUpItem[] {
  const list = buildFollowUpList({ households: input.households ?? [], assistances: input.assistances ?? [], now: NOW, ...(cards ? { cards: TEACHING_CARDS } : {}) });
  return list.groups.flatMap((g) => g.items);
}

describe('follow-up list: households not at home', () => {
  it('lists a not-home household for a revisit, with its address, note and since when', () => {
    const list = buildFollowUpList({ households: [notHome(1, (r) => (r.data.note = 'Hẹn quay lại buổi tối'))], assistances: [], now: NOW });
    expect(list.total).toBe(1);
    expect(list.groups).toEqual([
      {
        groupCode: 'TDP03',
        items: [
          {
            kind: 'revisit', groupCode: 'TDP03', recordId: uuid(1), why: ['not_home'], since: '2026-10-15T02:30:00.000Z', days: 36,
            label: { address: { houseNumber: '14' }, note: 'Hẹn quay lại buổi tối' },
          },
        ],
      },
    ]);
  });

  it('does not list refusals or surveyed households whose members want nothing', () => {
    const r = validVisit('refused');
    r.id = uuid(2);
    const calm = surveyed(3, (h) => (h.data.members[1].wantsHelp = []));
    expect(items({ households: [householdRecordSchema.parse(r), calm] })).toEqual([]);
  });

  it('counts only the latest rev, in whatever order the revs come', () => {
    const rev1 = notHome(1);
    const rev2 = surveyed(1, (r) => Object.assign(r, { rev: 2, clientUpdatedAt: '2026-10-20T02:00:00.000Z' }));
    rev2.data.members[1]!.wantsHelp = [];
    expect(items({ households: [rev1, rev2] })).toEqual([]);
    expect(items({ households: [rev2, rev1] })).toEqual([]);
    // …and the other way round: surveyed, then found not at home on a later visit.
    const back = notHome(4, (r) => Object.assign(r, { rev: 3, clientUpdatedAt: '2026-11-01T02:00:00.000Z' }));
    const first = surveyed(4);
    expect(items({ households: [back, first] }).map((i) => [i.kind, i.since])).toEqual([['revisit', '2026-11-01T02:00:00.000Z']]);
  });

  it('ignores voided and practice records, also when the voiding is the latest rev', () => {
    const practice = notHome(1, (r) => (r.data.practice = true));
    const voided = notHome(2, (r) => Object.assign(r.data, { voided: true, voidReason: 'Trùng hộ' }));
    const later = notHome(3, (r) => Object.assign(r, { rev: 2 }, { data: { ...r.data, voided: true, voidReason: 'Nhập nhầm' } }));
    expect(items({ households: [practice, voided, notHome(3), later] })).toEqual([]);
  });
});

describe('follow-up list: members who asked for help', () => {
  it('lists a member who wants help with the topics, name, birth year, address and the survey time', () => {
    expect(items({ households: [surveyed(1)] })).toEqual([
      {
        kind: 'member_help', groupCode: 'TDP03', recordId: uuid(1), memberId: memberOf(1, 1), why: ['vneid_level2'],
        since: '2026-10-15T02:10:00.000Z', days: 36,
        label: { address: { houseNumber: '12A', lane: 'Ngõ 12', street: 'Nguyễn Trãi' }, name: 'Trần Thị Hương', birthYear: 1983 },
      },
    ]);
  });

  it('drops the topics a later done assistance linked to that member covers, and keeps the others', () => {
    const h = surveyed(1, (r) => (r.data.members[1].wantsHelp = ['vneid_level2', 'payments', 'online_safety']));
    const qr = helped(1, (r) => { linkTo(r, 1, 1); r.data.kinds = ['setup_bank_ewallet_qr']; });
    expect(items({ households: [h], assistances: [qr] }).map((i) => i.why)).toEqual([['vneid_level2', 'online_safety']]);
    const level2 = helped(2, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance', 'scam_awareness']; });
    expect(items({ households: [h], assistances: [qr, level2] })).toEqual([]);
  });

  it('maps help topics to kinds of help: install is met by install or level 2 guidance; smartphone by any done help', () => {
    const h = surveyed(1, (r) => {
      r.data.members[1].vneid = 'none';
      r.data.members[1].ehr = 'no';
      r.data.members[1].wantsHelp = ['vneid_install', 'smartphone', 'ehr', 'shopping', 'public_services'];
    });
    const level2 = helped(1, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance']; });
    expect(items({ households: [h], assistances: [level2] }).map((i) => i.why)).toEqual([['ehr', 'shopping', 'public_services']]);
    const rest = helped(2, (r) => { linkTo(r, 1, 1); r.data.kinds = ['add_documents_or_health_record', 'setup_bank_ewallet_qr', 'submit_online_public_service']; });
    expect(items({ households: [h], assistances: [level2, rest] })).toEqual([]);
  });

  it('does not count a help given before the survey, to another member, not done, voided or in practice', () => {
    const h = surveyed(1);
    const cases = [
      helped(1, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance']; r.data.helpedAt = '2026-10-01T02:00:00.000Z'; }),
      helped(2, (r) => { linkTo(r, 1, 0); r.data.kinds = ['activate_level2_guidance']; }),
      helped(3, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance']; notDone(r, 'must_register_level2_at_police'); }),
      helped(4, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance']; Object.assign(r.data, { voided: true, voidReason: 'Nhầm người' }); }),
      helped(5, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance']; r.data.practice = true; }),
    ];
    for (const a of cases) {
      expect(items({ households: [h], assistances: [a] }).filter((i) => i.kind === 'member_help'), a.id).toHaveLength(1);
    }
  });

  it('drops topics the member\'s own answers show as met (e.g. after the VNeID answer was updated)', () => {
    const met = (r: Loose) => {
      r.data.members[1].vneid = 'level2'; // wants level 2, has it
      r.data.members[0].wantsHelp = ['ehr']; // the fixture's health record answer is "yes"
      r.data.members[2].wantsHelp = ['vneid_install'];
      r.data.members[2].vneid = 'level1'; // wanted an account, has one
    };
    expect(items({ households: [surveyed(1, met)] })).toEqual([]);
    const ehrNo = surveyed(1, (r) => { met(r); r.data.members[0].ehr = 'no'; });
    expect(items({ households: [ehrNo] }).map((i) => [i.memberId, i.why])).toEqual([[memberOf(1, 0), ['ehr']]]);
  });

  it('counts a done teaching card as the kinds of help its card amounts to, when the cards are given', () => {
    const h = surveyed(1, (r) => (r.data.members[1].wantsHelp = ['online_safety']));
    const taught = helped(1, (r) => { linkTo(r, 1, 1); r.data.kinds = ['teaching_card']; r.data.teachingCardId = 'scam-awareness'; });
    expect(items({ households: [h], assistances: [taught] }).map((i) => i.why)).toEqual([['online_safety']]);
    expect(items({ households: [h], assistances: [taught] }, true)).toEqual([]);
  });
});

describe('follow-up list: helps not done', () => {
  it('lists a not-done help with outcome and reason, the open kinds, the person and the linked household\'s address and group', () => {
    const h = surveyed(1, (r) => { r.data.members[1].wantsHelp = []; r.data.groupCode = 'TDP05'; });
    const a = helped(1, (r) => { linkTo(r, 1, 1); notDone(r); r.data.kinds = ['install_vneid', 'scam_awareness']; });
    expect(items({ households: [h], assistances: [a] })).toEqual([
      {
        kind: 'assistance', groupCode: 'TDP05', recordId: a.id, memberId: memberOf(1, 1), why: ['not_done', 'no_nfc_chip_reader'],
        openKinds: ['install_vneid', 'scam_awareness'], since: '2026-11-08T02:30:00.000Z', days: 12,
        label: {
          birthYear: 1955, name: 'Trần Thị Hương', address: { houseNumber: '12A', lane: 'Ngõ 12', street: 'Nguyễn Trãi' },
          campaign: 'Đợt ra quân tháng 11/2026', place: 'Nhà văn hóa TDP 03',
        },
      },
    ]);
  });

  it('closes the kinds a later done help of the same kind for the same member covers', () => {
    const failed = helped(1, (r) => { linkTo(r, 1, 1); notDone(r); r.data.kinds = ['install_vneid', 'scam_awareness']; });
    const laterInstall = helped(2, (r) => { linkTo(r, 1, 1); r.data.helpedAt = '2026-11-10T02:00:00.000Z'; });
    expect(items({ assistances: [failed, laterInstall] }).map((i) => i.openKinds)).toEqual([['scam_awareness']]);
    const laterScam = helped(3, (r) => { linkTo(r, 1, 1); r.data.kinds = ['scam_awareness']; r.data.helpedAt = '2026-11-09T02:00:00.000Z'; });
    expect(items({ assistances: [failed, laterInstall, laterScam] })).toEqual([]);
  });

  it('does not close it with an earlier done help, or one for another member', () => {
    const failed = helped(1, (r) => { linkTo(r, 1, 1); notDone(r); });
    const earlier = helped(2, (r) => { linkTo(r, 1, 1); r.data.helpedAt = '2026-11-01T02:00:00.000Z'; });
    const other = helped(3, (r) => { linkTo(r, 1, 0); r.data.helpedAt = '2026-11-10T02:00:00.000Z'; });
    expect(items({ assistances: [failed, earlier, other] }).map((i) => i.recordId)).toEqual([failed.id]);
  });

  it('follows a help without a member link through its own revs only', () => {
    const rev1 = helped(1, (r) => { delete r.data.household; r.data.outcome = 'needs_follow_up'; r.data.reason = 'forgotten_password'; });
    const rev2 = helped(1, (r) => { delete r.data.household; r.rev = 2; r.data.outcome = 'needs_follow_up'; r.data.reason = 'account_bound_to_old_device'; });
    const rev3 = helped(1, (r) => { delete r.data.household; r.rev = 3; });
    expect(items({ assistances: [rev2, rev1] }).map((i) => i.why)).toEqual([['needs_follow_up', 'account_bound_to_old_device']]);
    expect(items({ assistances: [rev1, rev3, rev2] })).toEqual([]);
    // A done help for someone else entirely closes nothing.
    const unrelated = helped(2, (r) => { delete r.data.household; r.data.helpedAt = '2026-11-12T02:00:00.000Z'; });
    expect(items({ assistances: [rev1, unrelated] })).toHaveLength(1);
  });

  it('ignores voided and practice helps', () => {
    const practice = helped(1, (r) => { notDone(r); r.data.practice = true; });
    const voided = helped(2, (r) => { notDone(r); Object.assign(r.data, { voided: true, voidReason: 'Nhập thử' }); });
    expect(items({ assistances: [practice, voided] })).toEqual([]);
  });
});

describe('follow-up list: grouping and order', () => {
  it('groups by tổ dân phố (numeric order), a help without a known group last; oldest first within a group', () => {
    const at = (iso: string) => (r: Loose) => (r.clientUpdatedAt = iso);
    const households = [
      notHome(1, (r) => { r.data.groupCode = 'TDP10'; at('2026-10-02T01:00:00.000Z')(r); }),
      notHome(2, (r) => { r.data.groupCode = 'TDP2'; at('2026-10-05T01:00:00.000Z')(r); }),
      notHome(3, (r) => { r.data.groupCode = 'TDP2'; at('2026-10-03T01:00:00.000Z')(r); }),
      surveyed(4, (r) => (r.data.groupCode = 'TDP10')), // member_help since 2026-10-15T02:10Z
    ];
    const assistances = [
      // No group of its own, linked to household 4 → TDP10.
      helped(1, (r) => { linkTo(r, 4, 0); notDone(r); r.data.helpedAt = '2026-10-01T00:00:00.000Z'; }),
      // Linked to a household this phone does not hold, and no group → unknown group.
      helped(2, (r) => { linkTo(r, 77, 0); notDone(r); }),
      helped(3, (r) => { delete r.data.household; notDone(r); r.data.helpedAt = '2026-09-30T00:00:00.000Z'; }),
      // Its own group wins over the household's.
      helped(4, (r) => { linkTo(r, 4, 2); notDone(r); r.data.groupCode = 'TDP2'; r.data.helpedAt = '2026-10-04T00:00:00.000Z'; }),
    ];
    const list = buildFollowUpList({ households, assistances, now: NOW });
    expect(list.total).toBe(8);
    expect(list.groups.map((g) => [g.groupCode, g.items.map((i) => i.recordId)])).toEqual([
      ['TDP2', [uuid(3), uuid(904), uuid(2)]],
      ['TDP10', [uuid(901), uuid(1), uuid(4)]],
      [null, [uuid(903), uuid(902)]],
    ]);
  });

  it('accepts now as a Date, a number or a string', () => {
    const h = [notHome(1)];
    const d = (now: Date | number | string) => buildFollowUpList({ households: h, assistances: [], now }).groups[0]?.items[0]?.days;
    expect(d(new Date(NOW))).toBe(36);
    expect(d(Date.parse(NOW))).toBe(36);
    expect(d('2026-10-15T02:29:00.000Z')).toBe(0); // never negative
  });

  it('latestRevs keeps the highest rev, then the later save', () => {
    const a = { id: 'x', rev: 1, clientUpdatedAt: '2026-01-01T00:00:00Z' };
    const b = { id: 'x', rev: 2, clientUpdatedAt: '2025-01-01T00:00:00Z' };
    const c = { id: 'x', rev: 2, clientUpdatedAt: '2025-06-01T00:00:00+07:00' };
    expect(latestRevs([a, b, c]).get('x')).toBe(c);
    expect(latestRevs([c, b, a]).get('x')).toBe(c);
  });
});

describe('vneidUpdateSuggestion', () => {
  const h = surveyed(1, (r) => { r.data.members[0].vneid = 'none'; r.data.members[2].vneid = 'unknown'; });

  it('offers level 1 after a done install and level 2 after done level 2 guidance, when higher than the answer', () => {
    expect(vneidUpdateSuggestion(helped(1, (r) => linkTo(r, 1, 0)), h)).toBe('level1');
    expect(vneidUpdateSuggestion(helped(1, (r) => linkTo(r, 1, 2)), h)).toBe('level1'); // from "không rõ"
    expect(vneidUpdateSuggestion(helped(1, (r) => { linkTo(r, 1, 0); r.data.kinds = ['install_vneid', 'activate_level2_guidance']; }), h)).toBe('level2');
    expect(vneidUpdateSuggestion(helped(1, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance']; }), h)).toBe('level2');
  });

  it('offers nothing when the answer is already as high, or the help is not a VNeID one', () => {
    expect(vneidUpdateSuggestion(helped(1, (r) => linkTo(r, 1, 1)), h)).toBeNull(); // level 1 already
    const level2 = surveyed(1, (r) => (r.data.members[1].vneid = 'level2'));
    expect(vneidUpdateSuggestion(helped(1, (r) => { linkTo(r, 1, 1); r.data.kinds = ['activate_level2_guidance']; }), level2)).toBeNull();
    expect(vneidUpdateSuggestion(helped(1, (r) => { linkTo(r, 1, 0); r.data.kinds = ['scam_awareness']; }), h)).toBeNull();
  });

  it('offers nothing for a help not done, voided, in practice, not linked to a member of this household', () => {
    expect(vneidUpdateSuggestion(helped(1, (r) => { linkTo(r, 1, 0); notDone(r); }), h)).toBeNull();
    expect(vneidUpdateSuggestion(helped(1, (r) => { linkTo(r, 1, 0); r.data.practice = true; }), h)).toBeNull();
    expect(vneidUpdateSuggestion(helped(1, (r) => { linkTo(r, 1, 0); Object.assign(r.data, { voided: true, voidReason: 'x' }); }), h)).toBeNull();
    expect(vneidUpdateSuggestion(helped(1, (r) => { r.data.household = { householdId: uuid(1) }; }), h)).toBeNull();
    expect(vneidUpdateSuggestion(helped(1, (r) => linkTo(r, 2, 0)), h)).toBeNull();
    expect(vneidUpdateSuggestion(helped(1, (r) => { r.data.household = { householdId: uuid(1), memberId: uuid(5) }; }), h)).toBeNull();
    expect(vneidUpdateSuggestion(helped(1, (r) => delete r.data.household), h)).toBeNull();
  });
});
