// Residents' personal-data requests (issue 12, point 3) through the real endpoint, on SQLite and
// (with DATABASE_URL) PostgreSQL: register a request, find the person by name, phone and CCCD,
// export what is held, erase — the dashboard tallies move, no revision or conflict row keeps the
// name, phone or CCCD (SQL LIKE), nor the SQLite files after the checkpoint, and the owning
// phone's next sync carries the server's state; a correction the same way; bad input → 4xx.
import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import { get, household, member, send, signIn, syncAll } from '../helpers/dashboard.js';
import { batch, WARD } from '../helpers/records.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const W = `/api/v1/wards/${WARD}`;
const NAME = 'Trần Thị Bích Ngọc';
const PHONE = '0912345678';
const CCCD = '001190012345';

describe.each(backends)('data-subject requests on $name', (backend) => {
  let t: TestServer;
  let admin: string;
  let staffer: string;
  let phone: { deviceId: string; token: string };

  beforeAll(async () => {
    t = await startTestServer(backend, { rateLimits: { authPerMinute: 10_000, syncPerMinute: 10_000 } });
    phone = await t.enrol(WARD, 'Máy khảo sát');
    admin = (await signIn(t, WARD, 'ward_admin')).token;
    staffer = (await signIn(t, WARD, 'ward_staff')).token;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const register = async (kind: string, receivedOn = '2026-12-04') => {
    const res = await send(t, admin, 'POST', `${W}/data-requests`, { kind, requester: 'self', identityCheck: 'cccd_seen', receivedOn });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; acknowledgeDue: string; answerDue: string };
  };
  const ehrMembers = async () => {
    const res = await get(t, staffer, `${W}/indicators?year=2026`);
    expect(res.statusCode).toBe(200);
    return (res.json().indicators as { code: string; denominator: number }[]).find((i) => i.code === 'ehr')!.denominator;
  };
  const holding = async (needle: string) => {
    const like = `%${needle}%`;
    const revs = await t.db.db.selectFrom('record_revisions').select('record_id').where('body', 'like', like).execute();
    const conflicts = await t.db.db.selectFrom('conflicts').select('record_id').where('body', 'like', like).execute();
    return revs.length + conflicts.length;
  };

  it('from find to erase: tallies move, no row and no SQLite byte keeps the person, the phone is told', async () => {
    const head = member(1975, { relation: 'head', name: 'Lê Văn Hùng', phone: '0987654321' });
    const ngoc = member(1990, { relation: 'spouse', name: NAME, cccd: CCCD, phone: PHONE, wantsHelpNote: 'Cần cài VNeID' });
    const rec1 = household({ members: [head, ngoc], groupCode: 'TDP01' });
    const rec2: HouseholdRecord = { ...rec1, rev: 2, data: { ...rec1.data, note: 'Gọi chị Bích Ngọc: 0912 345 678' } };
    const other = household({ members: [member(1960, { relation: 'head', name: 'Phạm Văn Đức' })] });
    await syncAll(t, phone.token, [rec1, rec2, other]);
    // The same rev 2 with other content: a conflict row kept for review, naming her too.
    const clash = { ...rec2, data: { ...rec2.data, note: `Chị ${NAME} hẹn chiều` } };
    expect((await t.sync(phone.token, batch([clash]))).json().results[0].status).toBe('conflict');
    const assistance = {
      id: randomUUID(),
      kind: 'assistance',
      rev: 1,
      schemaVersion: 2,
      clientUpdatedAt: '2026-11-21T02:31:00.000Z',
      data: {
        wardCode: WARD,
        installId: randomUUID(),
        helpedAt: '2026-11-21T02:30:00.000Z',
        person: { name: NAME, birthYear: 1990, phone: PHONE },
        consent: { given: true, purpose: 'assistance', noticeVersion: '2026-12', consentedAt: '2026-11-21T02:29:00.000Z' },
        household: { householdId: rec1.id, memberId: ngoc.id },
        groupCode: 'TDP01',
        kinds: ['install_vneid'],
        outcome: 'done',
      },
    };
    expect((await t.sync(phone.token, batch([assistance]))).json().results[0].status).toBe('accepted');
    expect(await holding(NAME)).toBeGreaterThan(0);
    const before = await ehrMembers();

    const dr = await register('erasure');
    // Received Friday 4/12/2026: acknowledged by Tuesday 8/12; answered within 10 days.
    expect(dr).toMatchObject({ acknowledgeDue: '2026-12-08', answerDue: '2026-12-14' });

    // Found by an unaccented name, by a phone written +84, by the CCCD; the other household not.
    for (const query of [{ name: 'tran thi bich ngoc' }, { phone: '+84 912 345 678' }, { cccd: CCCD }]) {
      const found = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/search`, query);
      expect(found.statusCode, found.body).toBe(200);
      const refs = found.json().matches.map((m: { ref: unknown }) => m.ref);
      expect(refs).toContainEqual({ kind: 'member', recordId: rec1.id, memberId: ngoc.id });
      if (!query.cccd) expect(refs).toContainEqual({ kind: 'assistance', recordId: assistance.id });
      expect(refs.some((r: { recordId: string }) => r.recordId === other.id)).toBe(false);
      expect(found.json().matches[0]).toMatchObject({ groupCode: 'TDP01', surveyedAt: '2026-11-20' });
    }
    const linked = await send(t, admin, 'PUT', `${W}/data-requests/${dr.id}/records`, {
      records: [{ kind: 'member', recordId: rec1.id, memberId: ngoc.id }, { kind: 'assistance', recordId: assistance.id }],
    });
    expect(linked.statusCode, linked.body).toBe(200);

    // The export: JSON and an A4 page, as attachments, with where each item is held.
    const json = await get(t, admin, `${W}/data-requests/${dr.id}/export.json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename=/);
    const exported = JSON.parse(json.body);
    expect(exported.items[0]).toMatchObject({ heldIn: { recordKind: 'household', recordId: rec1.id, memberId: ngoc.id, revisions: 2, conflicts: 1 }, retentionUntil: '2029-11-20' });
    expect(exported.items[0].people[0]).toMatchObject({ name: NAME, cccd: CCCD, phone: PHONE });
    expect(exported.items[0].consent).toMatchObject({ given: true, noticeVersion: '2026-01' });
    const html = await get(t, admin, `${W}/data-requests/${dr.id}/export.html?lang=en`);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.headers['content-disposition']).toMatch(/^attachment; filename=".*\.html"$/);
    expect(html.body).toContain(NAME);
    expect(html.body).toContain('Kept until');
    expect(html.body).toContain('size: A4');
    expect(html.body).not.toMatch(/<script|\bsrc=|<link|https?:\/\//);
    const vi = await get(t, admin, `${W}/data-requests/${dr.id}/export.html`, { 'accept-language': 'vi' });
    expect(vi.body).toContain('<html lang="vi">');
    expect(vi.body).toContain('Lưu đến (sau đó xóa thông tin cá nhân)');
    expect(vi.body).toContain('2029-11-20');

    // Erasure: a preview (ids and counts), the confirmation required, then done.
    const preview = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/erase`, { ref: { kind: 'member', recordId: rec1.id, memberId: ngoc.id }, dryRun: true });
    expect(preview.json().preview.records).toEqual([
      { kind: 'household', recordId: rec1.id, revisions: 2, conflicts: 1 },
      { kind: 'assistance', recordId: assistance.id, revisions: 1, conflicts: 0 },
    ]);
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/erase`, { ref: { kind: 'member', recordId: rec1.id, memberId: ngoc.id } })).statusCode).toBe(400);
    const erased = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/erase`, { ref: { kind: 'member', recordId: rec1.id, memberId: ngoc.id }, confirm: true });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json()).toMatchObject({ changed: [{ recordId: rec1.id, rev: 3 }, { recordId: assistance.id, rev: 2 }], revisionsScrubbed: 3, conflictsScrubbed: 1 });

    // The tallies move at the next computation (the cache sees the new rev).
    expect(await ehrMembers()).toBe(before - 1);

    // No revision or conflict row holds her name, phone or CCCD; the head is still there.
    for (const needle of [NAME, 'Bích Ngọc', PHONE, '0912 345 678', CCCD]) expect(await holding(needle), needle).toBe(0);
    expect(await holding('Lê Văn Hùng')).toBeGreaterThan(0);
    // Nor the audit log (ids and field paths only).
    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'data_subject.%').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['data_subject.request', 'data_subject.search', 'data_subject.export', 'data_subject.erase']));
    for (const a of audit) for (const needle of [NAME, 'bich ngoc', PHONE, '912 345 678', CCCD]) expect(a.detail.toLowerCase()).not.toContain(needle.toLowerCase());

    if (backend.name === 'sqlite') {
      // After the checkpoint the bytes are gone from the database file (and the WAL is empty).
      const file = t.db.location;
      const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
      for (const needle of [NAME, PHONE, CCCD]) expect(bytes.includes(Buffer.from(needle, 'utf8')), needle).toBe(false);
    } else {
      const { rows } = await sql<{ n: string }>`select count(*) as n from record_revisions where body like ${'%' + PHONE + '%'}`.execute(t.db.db);
      expect(Number(rows[0]!.n)).toBe(0);
    }

    // The owning phone's next sync carries the server's state of both records.
    const told = (await t.sync(phone.token, batch([]))).json();
    const states = new Map<string, any>(told.serverRecords.map((r: { id: string }) => [r.id, r]));
    expect(states.get(rec1.id)).toMatchObject({ rev: 3 });
    expect(states.get(rec1.id).data.members.map((m: { id: string }) => m.id)).toEqual([head.id]);
    expect(states.get(rec1.id).data.note).toBeUndefined();
    expect(states.get(assistance.id)).toMatchObject({ rev: 2, data: { person: { birthYear: 1990 } } });
    expect(states.get(assistance.id).data.person.name).toBeUndefined();
    // A resent old rev is a duplicate (its hash is the stored one): nothing comes back into a conflict row.
    expect((await t.sync(phone.token, batch([rec2]))).json().results[0].status).toBe('duplicate');
    expect(await holding(NAME)).toBe(0);
    // A rev the phone built on its old copy before taking the erasure is kept for review as a
    // conflict — with her name again; erasing the same person again scrubs it.
    const builtBefore = { ...rec2, rev: 3, data: { ...rec2.data, note: 'sửa trước khi nhận' } };
    expect((await t.sync(phone.token, batch([builtBefore]))).json().results[0]).toMatchObject({ status: 'conflict', serverRecord: { rev: 3 } });
    expect(await holding(NAME)).toBe(1);
    const again = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/erase`, { ref: { kind: 'member', recordId: rec1.id, memberId: ngoc.id }, confirm: true });
    expect(again.json()).toMatchObject({ changed: [], conflictsScrubbed: 1 });
    expect(await holding(NAME)).toBe(0);

    // Register: acknowledged and answered; the list shows the deadlines and late flags.
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/status`, { status: 'acknowledged', on: '2026-12-07' })).statusCode).toBe(200);
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/status`, { status: 'answered', on: '2026-12-16' })).json()).toMatchObject({ status: 'answered', acknowledgeLate: false, answerLate: true });
    const list = (await get(t, admin, `${W}/data-requests`)).json().requests;
    expect(list.find((r: { id: string }) => r.id === dr.id)).toMatchObject({ status: 'answered', actions: expect.arrayContaining([expect.objectContaining({ action: 'erase' })]) });
  });

  it('a correction is a staff rev the owning phone receives; its next edit builds on it', async () => {
    const person = member(1985, { relation: 'head', name: 'Nguyễn Văn Sai', phone: '0987000111' });
    const rec = household({ members: [person] });
    await syncAll(t, phone.token, [rec]);
    const dr = await register('correction');
    const ref = { kind: 'member', recordId: rec.id, memberId: person.id };
    // Not linked yet: refused.
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/correct`, { ref, field: 'name', value: 'Nguyễn Văn Đúng' })).statusCode).toBe(409);
    await send(t, admin, 'PUT', `${W}/data-requests/${dr.id}/records`, { records: [ref] });
    const fixed = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/correct`, { ref, field: 'name', value: 'Nguyễn Văn Đúng' });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({ recordId: rec.id, rev: 2, field: 'data.members.0.name' });
    const phoneFix = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/correct`, { ref, field: 'phone', value: '+84 912 000 222' });
    expect(phoneFix.json()).toMatchObject({ rev: 3 });
    // A bad value is a 400 with the field's error, nothing stored.
    const bad = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/correct`, { ref, field: 'cccd', value: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.errors[0]).toMatchObject({ code: 'cccd_format' });
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/correct`, { ref, field: 'vneid', value: 'level2' })).statusCode).toBe(400);

    const told = (await t.sync(phone.token, batch([]))).json();
    const state = told.serverRecords.find((r: { id: string }) => r.id === rec.id);
    expect(state).toMatchObject({ rev: 3, data: { members: [{ name: 'Nguyễn Văn Đúng', phone: '0912000222' }] } });
    // The phone's rev built on its old copy is a conflict answered with the server's state.
    const stale = { ...rec, rev: 2, data: { ...rec.data, note: 'sửa trên máy' } };
    const answer = (await t.sync(phone.token, batch([stale]))).json();
    expect(answer.results[0]).toMatchObject({ status: 'conflict', serverRecord: { rev: 3 } });
    // Once taken (acknowledged), its next edit on the corrected state is accepted and keeps the name.
    await t.sync(phone.token, { ...batch([]), applied: [{ id: rec.id, rev: 3 }] });
    const onTop = { ...state, rev: 4, data: { ...state.data, note: 'đã gọi lại' } };
    expect((await t.sync(phone.token, batch([onTop]))).json().results[0].status).toBe('accepted');
    const drill = (await get(t, staffer, `${W}/households/${rec.id}`)).json();
    expect(drill.record.data.members[0].name).toBe('Nguyễn Văn Đúng');
  });

  it('withdrawing the survey consent turns the household into a refusal: its members leave the tallies, the visit stays', async () => {
    const head = member(1970, { relation: 'head', name: 'Đỗ Thị Rút' });
    const rec = household({ members: [head, member(1995, { name: 'Đỗ Văn Con' })], houseNumber: '77' });
    await syncAll(t, phone.token, [rec]);
    // An assistance given to her, with its own consent: a survey withdrawal leaves it.
    const help = {
      id: randomUUID(), kind: 'assistance', rev: 1, schemaVersion: 2, clientUpdatedAt: '2026-11-21T02:31:00.000Z',
      data: { wardCode: WARD, installId: randomUUID(), helpedAt: '2026-11-21T02:30:00.000Z', person: { name: 'Đỗ Thị Rút', birthYear: 1970 }, consent: { given: true, purpose: 'assistance', noticeVersion: '2026-12', consentedAt: '2026-11-21T02:29:00.000Z' }, household: { householdId: rec.id, memberId: head.id }, kinds: ['scam_awareness'], outcome: 'done' },
    };
    expect((await t.sync(phone.token, batch([help]))).json().results[0].status).toBe('accepted');
    const before = await ehrMembers();
    const dr = await register('withdraw_consent');
    const ref = { kind: 'household', recordId: rec.id };
    await send(t, admin, 'PUT', `${W}/data-requests/${dr.id}/records`, { records: [ref] });
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/withdraw-consent`, { ref, purpose: 'assistance', confirm: true })).statusCode).toBe(400);
    const done = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/withdraw-consent`, { ref, purpose: 'survey', confirm: true });
    expect(done.statusCode, done.body).toBe(200);
    expect(await ehrMembers()).toBe(before - 2);
    expect(done.json().changed).toEqual([{ recordId: rec.id, rev: 2 }]);
    const stillNamed = await t.db.db.selectFrom('record_revisions').select('record_id').where('body', 'like', '%Đỗ Thị Rút%').execute();
    expect(stillNamed.map((r) => r.record_id)).toEqual([help.id]);
    expect(await holding('Đỗ Văn Con')).toBe(0);
    const drill = (await get(t, staffer, `${W}/households/${rec.id}`)).json();
    expect(drill.record.data).toMatchObject({ outcome: 'refused', members: [], address: { houseNumber: '77' } });
    expect(drill.record.data.consent).toBeUndefined();
    expect((await get(t, admin, `${W}/data-requests/${dr.id}`)).json()).toMatchObject({ consentWithdrawn: 'survey' });
  });

  it('a whole household erased: a voided refusal with no address, out of the tallies', async () => {
    const rec = household({ members: [member(1950, { relation: 'head', name: 'Vũ Văn Cả Nhà' })], houseNumber: '99', lane: 'Ngõ 5' });
    await syncAll(t, phone.token, [rec]);
    const dr = await register('erasure');
    const ref = { kind: 'household', recordId: rec.id };
    await send(t, admin, 'PUT', `${W}/data-requests/${dr.id}/records`, { records: [ref] });
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/erase`, { ref, confirm: true })).statusCode).toBe(200);
    const drill = (await get(t, staffer, `${W}/households/${rec.id}`)).json();
    expect(drill.record.data).toMatchObject({ outcome: 'refused', voided: true, members: [], address: { houseNumber: '(đã xoá)' } });
    expect(await holding('Ngõ 5')).toBe(0);
    expect(await holding('Vũ Văn Cả Nhà')).toBe(0);
  });

  it('bad input gets a clear 4xx, never a 500; ward_staff may not use the register', async () => {
    const bad = [
      await send(t, admin, 'POST', `${W}/data-requests`, { kind: 'delete_everything', requester: 'self', identityCheck: 'cccd_seen', receivedOn: '2026-12-04' }),
      await send(t, admin, 'POST', `${W}/data-requests`, { kind: 'access', requester: 'guardian', identityCheck: 'cccd_seen', receivedOn: '2026-12-04' }),
      await send(t, admin, 'POST', `${W}/data-requests`, { kind: 'access', requester: 'self', identityCheck: 'cccd_seen', receivedOn: '2026-02-30' }),
      await send(t, admin, 'POST', `${W}/data-requests`, 'not json', { 'content-type': 'application/json' }),
    ];
    for (const res of bad) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toEqual(expect.any(String));
    }
    expect((await send(t, admin, 'POST', `${W}/data-requests/not-a-uuid/search`, { name: 'An' })).statusCode).toBe(404);
    expect((await send(t, admin, 'POST', `${W}/data-requests/${randomUUID()}/search`, { name: 'An' })).statusCode).toBe(404);
    const dr = await register('access');
    const empty = await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/search`, { name: '   ' }, { 'accept-language': 'en' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/Enter a name/);
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/search`, { phone: '12' })).json().error.errors).toEqual([{ path: 'phone', code: 'phone_format' }]);
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/search`, { sql: 'drop' })).statusCode).toBe(400);
    expect((await send(t, admin, 'PUT', `${W}/data-requests/${dr.id}/records`, { records: [{ kind: 'member', recordId: 'x' }] })).statusCode).toBe(400);
    // An access request erases nothing.
    const ref = { kind: 'household', recordId: randomUUID() };
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/erase`, { ref, confirm: true })).statusCode).toBe(409);
    expect((await send(t, admin, 'POST', `${W}/data-requests/${dr.id}/status`, { status: 'closed' })).statusCode).toBe(400);
    expect((await get(t, staffer, `${W}/data-requests`)).statusCode).toBe(403);
  });

  it('deadlines come from the ward settings and skip weekends and public holidays (Tết 2026)', async () => {
    const tet = await register('access', '2026-02-13');
    // 13/2 + 10 days = Mon 23/2, before the acknowledgement's due date (Tết): the later one.
    expect(tet).toMatchObject({ acknowledgeDue: '2026-02-24', answerDue: '2026-02-24' });
    const changed = await send(t, admin, 'PUT', `${W}/config/settings`, { settings: { dataRequestAnswerDays: 30, dataRequestAcknowledgeWorkingDays: 3 } });
    expect(changed.statusCode, changed.body).toBe(200);
    // 4/12 + 30 days = Sunday 3/1/2027: the next working day.
    expect(await register('access', '2026-12-04')).toMatchObject({ acknowledgeDue: '2026-12-09', answerDue: '2027-01-04' });
    expect((await send(t, admin, 'PUT', `${W}/config/settings`, { settings: { dataRequestAnswerDays: 0 } })).statusCode).toBe(400);
    // Not acknowledged in time and still open: flagged late on the list.
    const list = (await get(t, admin, `${W}/data-requests`)).json().requests;
    expect(list.find((r: { id: string }) => r.id === tet.id)).toMatchObject({ acknowledgeLate: true, answerLate: true, status: 'received' });
  });

  it("a child's record (under 16) is acted on only at a parent's or guardian's request", async () => {
    const parent = member(1985, { relation: 'head', name: 'Mai Văn Cha' });
    const kid = member(2015, { relation: 'child', name: 'Mai Bé Con', sex: 'male' });
    const rec = household({ members: [parent, kid] });
    await syncAll(t, phone.token, [rec]);
    const ref = { kind: 'member', recordId: rec.id, memberId: kid.id };
    const byHimself = await register('erasure');
    const found = (await send(t, admin, 'POST', `${W}/data-requests/${byHimself.id}/search`, { name: 'mai be con' })).json().matches;
    expect(found).toEqual([expect.objectContaining({ ref, child: true })]);
    await send(t, admin, 'PUT', `${W}/data-requests/${byHimself.id}/records`, { records: [ref] });
    const refused = await send(t, admin, 'POST', `${W}/data-requests/${byHimself.id}/erase`, { ref, confirm: true });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('16');
    expect((await get(t, admin, `${W}/data-requests/${byHimself.id}/export.json`)).statusCode).toBe(409);

    const res = await send(t, admin, 'POST', `${W}/data-requests`, { kind: 'erasure', requester: 'guardian', identityCheck: 'guardian_document', receivedOn: '2026-12-04' });
    const byGuardian = res.json() as { id: string };
    await send(t, admin, 'PUT', `${W}/data-requests/${byGuardian.id}/records`, { records: [ref] });
    expect((await send(t, admin, 'POST', `${W}/data-requests/${byGuardian.id}/erase`, { ref, confirm: true })).statusCode).toBe(200);
    expect(await holding('Mai Bé Con')).toBe(0);
  });
});
