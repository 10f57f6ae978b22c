// Assistance records through the real sync endpoint and the ward dashboard's tallies, on every
// storage backend (SQLite always, PostgreSQL when DATABASE_URL is set): every status, a mixed
// household + assistance batch, practice and voided never counted, the VNeID move, the CSV.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, OTHER_WARD, WARD } from '../helpers/records.js';
import { get, household, member, signIn } from '../helpers/dashboard.js';
import { validAssistance } from '../helpers/assistance-fixtures.js';
import { ASSISTANCE_KIND_VI, ASSISTANCE_REASON_VI, ASSISTANCE_XLSX_LAYOUT } from '../../src/server/services/assistance-tallies.js';
import type { Loose } from '../helpers/household-fixtures.js';

// One ward per run keeps the tallies exact: every test adds to a fresh campaign name.
function assist(over: { campaign: string; kinds?: string[]; outcome?: string; reason?: string; helpedAt?: string; practice?: boolean; voided?: boolean; household?: { householdId: string; memberId?: string } | null }): Loose {
  const r = validAssistance();
  r.id = randomUUID();
  r.data.campaign = over.campaign;
  r.data.kinds = over.kinds ?? ['install_vneid'];
  r.data.outcome = over.outcome ?? 'done';
  if (over.reason) r.data.reason = over.reason;
  if (over.helpedAt) {
    r.data.helpedAt = over.helpedAt;
    r.clientUpdatedAt = over.helpedAt;
  }
  if (over.practice) r.data.practice = true;
  if (over.voided) {
    r.data.voided = true;
    r.data.voidReason = 'Nhập nhầm';
  }
  if (over.household === null) delete r.data.household;
  else if (over.household) r.data.household = over.household;
  else delete r.data.household;
  return r;
}

describe.each(backends)('assistance sync and tallies on $name', (backend) => {
  let t: TestServer;
  let token: string;
  let staffToken: string;

  beforeAll(async () => {
    t = await startTestServer(backend, { syncWorkers: 1 });
    ({ token } = await t.enrol());
    ({ token: staffToken } = await signIn(t, WARD));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const tallies = async (query: string) => {
    const res = await get(t, staffToken, `/api/v1/wards/${WARD}/assistances?${query}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('answers every status for assistance records and stores the latest rev flattened', async () => {
    const a = assist({ campaign: 'statuses', kinds: ['install_vneid', 'scam_awareness'], outcome: 'needs_follow_up', reason: 'forgotten_password' });
    let res = await t.sync(token, batch([a]));
    expect(res.json().results).toEqual([{ id: a.id, rev: 1, status: 'accepted' }]);
    // The same again: duplicate; other content at the same rev: conflict.
    res = await t.sync(token, batch([a]));
    expect(res.json().results).toEqual([{ id: a.id, rev: 1, status: 'duplicate' }]);
    res = await t.sync(token, batch([{ ...a, data: { ...a.data, place: 'Chỗ khác' } }]));
    expect(res.json().results[0]).toMatchObject({ id: a.id, rev: 1, status: 'conflict' });
    // Rev 2 (done) and rev 3 (same content at a new rev) accepted; rev 2 again with other content: conflict.
    const a2 = { ...a, rev: 2, data: { ...a.data, kinds: ['install_vneid'], outcome: 'done' } };
    delete a2.data.reason;
    res = await t.sync(token, batch([a2]));
    expect(res.json().results).toEqual([{ id: a.id, rev: 2, status: 'accepted' }]);
    const a3 = { ...a, rev: 3, data: { ...a.data } };
    expect((await t.sync(token, batch([a3]))).json().results[0].status).toBe('accepted');
    res = await t.sync(token, batch([{ ...a2, data: { ...a2.data, place: 'muộn' } }]));
    expect(res.json().results[0]).toMatchObject({ status: 'conflict' });
    // The first rev re-sent after all that (a lost answer): duplicate.
    res = await t.sync(token, batch([{ ...a }]));
    expect(res.json().results[0]).toMatchObject({ status: 'duplicate' });
    // A rejected one: a password-like code in the note, a made-up field, an unknown version.
    const secret = assist({ campaign: 'statuses', outcome: 'not_done', reason: 'other' });
    secret.data.reasonNote = 'mã OTP 123456';
    const extra = assist({ campaign: 'statuses' });
    extra.data.password = 'x';
    const newer = assist({ campaign: 'statuses' });
    newer.schemaVersion = 9;
    const otherWard = assist({ campaign: 'statuses' });
    otherWard.data.wardCode = OTHER_WARD;
    const unknownGroup = assist({ campaign: 'statuses' });
    unknownGroup.data.groupCode = 'TDP99';
    res = await t.sync(token, batch([secret, extra, newer, otherWard, unknownGroup]));
    const results = res.json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(results[0].errors).toContainEqual(expect.objectContaining({ path: 'data.reasonNote', code: 'secret_like_text' }));
    expect(results[1].errors).toContainEqual(expect.objectContaining({ code: 'unknown_field' }));
    expect(results[2].errors).toContainEqual(expect.objectContaining({ path: 'schemaVersion', code: 'newer_schema_version' }));
    expect(results[3].errors).toContainEqual(expect.objectContaining({ path: 'data.wardCode', code: 'wrong_ward' }));
    expect(results[4].errors).toContainEqual(expect.objectContaining({ path: 'data.groupCode', code: 'unknown_group' }));
    expect(results[0].errors[0].message).toMatch(/\S/);

    // Stored: revs 1..3 (3 equals 2's content at a new rev); the flattened row follows rev 3.
    const revs = await t.db.db.selectFrom('record_revisions').select(['rev', 'kind']).where('record_id', '=', a.id).orderBy('rev').execute();
    expect(revs.map((r) => [Number(r.rev), r.kind])).toEqual([[1, 'assistance'], [2, 'assistance'], [3, 'assistance']]);
    const row = await t.db.db.selectFrom('assistances').selectAll().where('record_id', '=', a.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ rev: 3, ward_code: WARD, outcome: 'needs_follow_up', reason: 'forgotten_password', campaign: 'statuses', practice: 0, voided: 0, group_code: 'TDP03' });
    const kinds = await t.db.db.selectFrom('assistance_kinds').select('kind').where('record_id', '=', a.id).orderBy('kind').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['install_vneid', 'scam_awareness']);
  });

  it('answers stale for an older new rev, and never lets an id change kind', async () => {
    const a = assist({ campaign: 'stale' });
    await t.sync(token, batch([{ ...a, rev: 5 }]));
    const res = await t.sync(token, batch([{ ...a, rev: 4 }]));
    expect(res.json().results).toEqual([{ id: a.id, rev: 4, status: 'stale' }]);
    const h = household({ groupCode: 'TDP01' });
    await t.sync(token, batch([h]));
    const sameIdAssist = assist({ campaign: 'stale' });
    sameIdAssist.id = h.id;
    sameIdAssist.rev = 2;
    const r2 = await t.sync(token, batch([sameIdAssist]));
    expect(r2.json().results[0]).toMatchObject({ id: h.id, status: 'rejected' });
    expect(await t.db.db.selectFrom('assistances').select('record_id').where('record_id', '=', h.id).execute()).toEqual([]);
  });

  it('takes a mixed household + assistance batch in one go, each to its own tables', async () => {
    const m = member(1950, { vneid: 'none' });
    const h = household({ groupCode: 'TDP02', members: [m] });
    const a = assist({ campaign: 'mixed', household: { householdId: h.id, memberId: m.id }, helpedAt: '2026-11-20T03:00:00.000Z' });
    a.data.groupCode = 'TDP02';
    const res = await t.sync(token, batch([h, a]));
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
    expect(await t.db.db.selectFrom('households').select('record_id').where('record_id', '=', a.id).execute()).toEqual([]);
    expect(await t.db.db.selectFrom('assistances').select('record_id').where('record_id', '=', h.id).execute()).toEqual([]);
    expect((await t.db.db.selectFrom('members').select('member_id').where('record_id', '=', h.id).execute()).map((r) => r.member_id)).toEqual([m.id]);
    // The household's next rev (after the help) shows level 2: one member moved.
    const h2 = { ...h, rev: 2, clientUpdatedAt: '2026-11-20T04:00:00.000Z', data: { ...h.data, members: [{ ...m, vneid: 'level2' as const }] } };
    expect((await t.sync(token, batch([h2]))).json().results[0].status).toBe('accepted');
    // A member whose answer moved BEFORE the help (a rev saved earlier) does not count.
    const early = member(1952, { vneid: 'none' });
    const e1 = { ...household({ groupCode: 'TDP02', members: [early] }), clientUpdatedAt: '2026-11-18T01:00:00.000Z' };
    const e2 = { ...e1, rev: 2, clientUpdatedAt: '2026-11-19T01:00:00.000Z', data: { ...e1.data, members: [{ ...early, vneid: 'level1' as const }] } };
    const late = assist({ campaign: 'mixed', household: { householdId: e1.id, memberId: early.id }, helpedAt: '2026-11-20T05:00:00.000Z' });
    expect((await t.sync(token, batch([e1, e2, late]))).json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const body = await tallies('campaign=mixed');
    expect(body.total).toBe(2);
    expect(body.vneidMoved).toBe(1);
  });

  it('tallies by kind, outcome, reason, campaign and ISO week; practice and voided never count', async () => {
    const c = 'Đợt ra quân 22/11';
    const records = [
      assist({ campaign: c, kinds: ['install_vneid'], helpedAt: '2026-11-16T01:00:00.000Z' }),
      assist({ campaign: c, kinds: ['install_vneid', 'setup_bank_ewallet_qr'], helpedAt: '2026-11-17T01:00:00.000Z' }),
      assist({ campaign: c, kinds: ['install_vneid'], outcome: 'not_done', reason: 'no_smartphone', helpedAt: '2026-11-23T01:00:00.000Z' }),
      assist({ campaign: c, kinds: ['activate_level2_guidance'], outcome: 'needs_follow_up', reason: 'must_register_level2_at_police', helpedAt: '2026-11-23T02:00:00+07:00' }),
      // Sunday 22/11 23:30 in Viet Nam is 16:30 UTC: it belongs to week 47 locally.
      assist({ campaign: c, kinds: ['scam_awareness'], helpedAt: '2026-11-22T16:30:00.000Z' }),
      assist({ campaign: c, kinds: ['install_vneid'], practice: true, helpedAt: '2026-11-17T01:00:00.000Z' }),
      assist({ campaign: c, kinds: ['install_vneid'], voided: true, helpedAt: '2026-11-17T01:00:00.000Z' }),
    ];
    const res = await t.sync(token, batch(records));
    expect(res.json().results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    const body = await tallies(`campaign=${encodeURIComponent(c)}`);
    expect(body.total).toBe(5);
    expect(body.byOutcome).toEqual({ done: 3, not_done: 1, needs_follow_up: 1 });
    expect(body.byKind.install_vneid).toEqual({ done: 2, not_done: 1, needs_follow_up: 0 });
    expect(body.byKind.setup_bank_ewallet_qr).toEqual({ done: 1, not_done: 0, needs_follow_up: 0 });
    expect(body.byReason.no_smartphone).toBe(1);
    expect(body.byReason.must_register_level2_at_police).toBe(1);
    expect(body.campaigns).toEqual([expect.objectContaining({ campaign: c, total: 5 })]);
    expect(body.weeks.map((w: { week: string; total: number }) => [w.week, w.total])).toEqual([['2026-W47', 3], ['2026-W48', 2]]);
    // The day filter is on the local day of help.
    const lastWeek = await tallies(`campaign=${encodeURIComponent(c)}&from=2026-11-16&to=2026-11-22`);
    expect(lastWeek.total).toBe(3);
    expect(lastWeek.weeks.map((w: { week: string }) => w.week)).toEqual(['2026-W47']);
    // Without a campaign filter the other tests' helps count too, but practice still never does.
    const all = await tallies('');
    const practiceRows = await t.db.db.selectFrom('assistances').select('record_id').where('practice', '=', 1).execute();
    expect(practiceRows.length).toBeGreaterThan(0);
    expect(all.campaigns.find((x: { campaign: string }) => x.campaign === c).total).toBe(5);
  });

  it('is for ward staff of the ward only, checks its dates, and exports CSV', async () => {
    expect((await get(t, null, `/api/v1/wards/${WARD}/assistances`)).statusCode).toBe(401);
    expect((await get(t, token, `/api/v1/wards/${WARD}/assistances`)).statusCode).toBe(403);
    const other = await signIn(t, OTHER_WARD);
    expect((await get(t, other.token, `/api/v1/wards/${WARD}/assistances`)).statusCode).toBe(403);
    const bad = await get(t, staffToken, `/api/v1/wards/${WARD}/assistances?from=2026-13-01`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('bad_request');
    expect((await get(t, staffToken, `/api/v1/wards/${WARD}/assistances?from=2026-11-30&to=2026-11-01`)).statusCode).toBe(400);
    const csv = await get(t, staffToken, `/api/v1/wards/${WARD}/assistances/export.csv?campaign=${encodeURIComponent('Đợt ra quân 22/11')}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    expect(csv.body).toContain('Tổng số lượt hỗ trợ,5,3,1,1');
    expect(csv.body).toContain('Không có điện thoại thông minh,1');
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('action', '=', 'export.assistances_csv').execute();
    expect(audit).toHaveLength(1);
  });
  it('exports XLSX whose sheets read back as the JSON tallies, and audits it', async () => {
    const c = 'Đợt ra quân 22/11';
    const json = await tallies(`campaign=${encodeURIComponent(c)}`);
    expect((await get(t, token, `/api/v1/wards/${WARD}/assistances/export.xlsx`)).statusCode).toBe(403);
    const res = await get(t, staffToken, `/api/v1/wards/${WARD}/assistances/export.xlsx?campaign=${encodeURIComponent(c)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    expect(res.headers['cache-control']).toBe('no-store');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = (name: string) => {
      const ws = wb.getWorksheet(name);
      if (!ws) throw new Error(`no sheet ${name}`);
      const out: unknown[][] = [];
      for (let r = ASSISTANCE_XLSX_LAYOUT.headerRow + 1; r <= ws.rowCount; r++) {
        const values = (ws.getRow(r).values as unknown[]).slice(1);
        if (values.length) out.push(values);
      }
      return out;
    };
    const kinds = rows(ASSISTANCE_XLSX_LAYOUT.kindSheet);
    for (const [kind, o] of Object.entries(json.byKind as Record<string, { done: number; not_done: number; needs_follow_up: number }>)) {
      const row = kinds.find((r) => r[0] === ASSISTANCE_KIND_VI[kind as keyof typeof ASSISTANCE_KIND_VI]);
      expect(row).toEqual([row![0], o.done + o.not_done + o.needs_follow_up, o.done, o.not_done, o.needs_follow_up]);
    }
    expect(kinds).toContainEqual(['Tổng số lượt hỗ trợ', json.total, json.byOutcome.done, json.byOutcome.not_done, json.byOutcome.needs_follow_up]);
    expect(kinds).toContainEqual(['Thành viên chuyển từ chưa có VNeID lên mức 1/2 sau hỗ trợ', json.vneidMoved]);
    expect(json.total).toBe(5);
    expect(rows(ASSISTANCE_XLSX_LAYOUT.reasonSheet)).toEqual(
      Object.entries(json.byReason as Record<string, number>).map(([r, n]) => [ASSISTANCE_REASON_VI[r as keyof typeof ASSISTANCE_REASON_VI], n]),
    );
    expect(rows(ASSISTANCE_XLSX_LAYOUT.campaignSheet)).toEqual(
      json.campaigns.map((x: { campaign: string; total: number; byOutcome: { done: number; not_done: number; needs_follow_up: number } }) => [x.campaign, x.total, x.byOutcome.done, x.byOutcome.not_done, x.byOutcome.needs_follow_up]),
    );
    expect(rows(ASSISTANCE_XLSX_LAYOUT.weekSheet)).toEqual(
      json.weeks.map((w: { week: string; start: string; end: string; total: number; byOutcome: { done: number; not_done: number; needs_follow_up: number } }) => [w.week, w.start, w.end, w.total, w.byOutcome.done, w.byOutcome.not_done, w.byOutcome.needs_follow_up]),
    );
    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'export.assistances_xlsx').execute();
    expect(audit).toHaveLength(1);
  });
});
