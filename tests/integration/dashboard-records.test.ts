// Data quality, the household drill-down (audited), the staff void (a new rev, audited, counted
// nowhere afterwards) and team activity, through the real sync endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoWeek, todayInVietnam } from '../../src/shared/domain/iso-week.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { OTHER_WARD, WARD } from '../helpers/records.js';
import { get, household, member, send, signIn, syncAll } from '../helpers/dashboard.js';

const daysAgo = (n: number) => new Date(Date.parse(`${todayInVietnam()}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

const dupA = household({ groupCode: 'TDP03', houseNumber: 'Số 12', lane: 'Ngõ 5', street: 'Lê Lợi', surveyedAt: daysAgo(1) });
const dupB = household({ groupCode: 'TDP03', houseNumber: '12', lane: 'ngo  5', street: 'le loi', surveyedAt: daysAgo(1), outcome: 'not_home' });
const sameAddressOtherGroup = household({ groupCode: 'TDP04', houseNumber: '12', lane: 'Ngõ 5', street: 'Lê Lợi', surveyedAt: daysAgo(8) });
const implausible = household({
  groupCode: 'TDP05',
  surveyedAt: daysAgo(8),
  members: [member(1920, { vneid: 'level2' }), member(2020, { bankAccount: 'yes' }), member(1985)],
});
const conflicted = household({ groupCode: 'TDP06', surveyedAt: daysAgo(8) });
const conflictedOther = { ...conflicted, data: { ...conflicted.data, note: 'Sửa trên máy khác' } };

describe.each(backends)('dashboard records on $name', (backend) => {
  let t: TestServer;
  let staffer: { token: string; username: string };
  let device: { deviceId: string; token: string };
  let idle: { deviceId: string; token: string };

  beforeAll(async () => {
    t = await startTestServer(backend);
    device = await t.enrol(WARD, 'Nguyễn Thị Hoa');
    idle = await t.enrol(WARD, 'Phạm Văn Vắng');
    await syncAll(t, device.token, [dupA, dupB, sameAddressOtherGroup, implausible, conflicted]);
    const res = await t.sync(device.token, { protocolVersion: 1, batchId: crypto.randomUUID(), records: [conflictedOther] });
    expect(res.json().results[0].status).toBe('conflict');
    // The idle phone enrolled 8 days ago and never synced.
    await t.db.db.updateTable('devices').set({ created_at: new Date(Date.now() - 8 * 86_400_000).toISOString() }).where('id', '=', idle.deviceId).execute();
    staffer = await signIn(t, WARD);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('quality: same group + normalised address, conflicts, implausible members', async () => {
    const res = await get(t, staffer.token, `/api/v1/wards/${WARD}/quality`);
    expect(res.statusCode).toBe(200);
    const q = res.json();
    expect(q.duplicates.count).toBe(1);
    expect(q.duplicates.items[0]).toMatchObject({ groupCode: 'TDP03', addressKey: '12|5|le loi' });
    expect(q.duplicates.items[0].households.map((h: { recordId: string }) => h.recordId).sort()).toEqual([dupA.id, dupB.id].sort());
    expect(q.conflicts.count).toBe(1);
    expect(q.conflicts.items[0]).toMatchObject({ recordId: conflicted.id, rev: 1, currentRev: 1, superseded: false, volunteerName: 'Nguyễn Thị Hoa' });
    expect(q.implausible.items.map((i: { recordId: string; position: number; rule: string }) => [i.recordId, i.position, i.rule])).toEqual(
      [[implausible.id, 0, 'elderly_all_proficient'], [implausible.id, 1, 'child_bank_account']].sort(),
    );
    expect(q.implausible.rules).toContain('child_digital_signature');
    // Tallies and ids only: no names, phone numbers or addresses beyond the folded key.
    expect(JSON.stringify(q)).not.toContain('Lê Lợi');
  });

  it('drill-down: the latest rev as stored, its history, written to the audit log', async () => {
    const res = await get(t, staffer.token, `/api/v1/wards/${WARD}/households/${conflicted.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ recordId: conflicted.id, rev: 1, record: conflicted, revisions: [{ rev: 1, deviceId: device.deviceId, volunteerName: 'Nguyễn Thị Hoa' }] });
    expect(body.conflicts).toHaveLength(1);
    const audit = (await get(t, (await signIn(t, WARD, 'ward_admin')).token, `/api/v1/wards/${WARD}/audit?action=household.view`)).json().entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'household.view', target: conflicted.id, actorName: staffer.username });
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/households/00000000-0000-4000-8000-00000000ffff`)).statusCode).toBe(404);
    // Another ward's staff cannot read it through their own ward either.
    const other = await signIn(t, OTHER_WARD);
    expect((await get(t, other.token, `/api/v1/wards/${OTHER_WARD}/households/${conflicted.id}`)).statusCode).toBe(404);
    expect((await get(t, other.token, `/api/v1/wards/${WARD}/households/${conflicted.id}`)).statusCode).toBe(403);
  });

  it('void: a new rev by staff, audited; the household then counts nowhere and leaves the duplicates', async () => {
    const before = (await get(t, staffer.token, `/api/v1/wards/${WARD}/indicators?group=TDP03`)).json();
    expect(before.households).toMatchObject({ surveyed: 1, notHome: 1 });
    expect((await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/households/${dupB.id}/void`, { reason: '' })).statusCode).toBe(400);
    const res = await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/households/${dupB.id}/void`, { reason: 'Trùng với hộ đã khảo sát' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ recordId: dupB.id, rev: 2, voided: true });
    const again = await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/households/${dupB.id}/void`, { reason: 'x' }, { 'accept-language': 'en' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('This household is already voided.');
    const after = (await get(t, staffer.token, `/api/v1/wards/${WARD}/indicators?group=TDP03`)).json();
    expect(after.households).toMatchObject({ surveyed: 1, notHome: 0 });
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/quality`)).json().duplicates.count).toBe(0);
    const detail = (await get(t, staffer.token, `/api/v1/wards/${WARD}/households/${dupB.id}`)).json();
    expect(detail.record).toMatchObject({ rev: 2, data: { voided: true, voidReason: 'Trùng với hộ đã khảo sát', address: dupB.data.address } });
    expect(detail.revisions.map((r: { rev: number; deviceId: string }) => [r.rev, r.deviceId])).toEqual([[1, device.deviceId], [2, `staff:${staffer.username}`]]);
    const audit = (await get(t, (await signIn(t, WARD, 'ward_admin')).token, `/api/v1/wards/${WARD}/audit?action=household.void`)).json().entries;
    expect(audit[0]).toMatchObject({ target: dupB.id, detail: { rev: 2, previousRev: 1, reason: 'Trùng với hộ đã khảo sát' } });
    // The phone's own rev 2 (an edit of its older copy) is kept as a conflict, not applied.
    const phoneEdit = { ...dupB, rev: 2, data: { ...dupB.data, note: 'Quay lại lần 2' } };
    const sync = await t.sync(device.token, { protocolVersion: 1, batchId: crypto.randomUUID(), records: [phoneEdit] });
    expect(sync.json().results[0].status).toBe('conflict');
    // Another ward's staff cannot void it.
    const other = await signIn(t, OTHER_WARD);
    expect((await send(t, other.token, 'POST', `/api/v1/wards/${OTHER_WARD}/households/${dupA.id}/void`, { reason: 'x' })).statusCode).toBe(404);
    const dev = await send(t, device.token, 'POST', `/api/v1/wards/${WARD}/households/${dupA.id}/void`, { reason: 'x' });
    expect(dev.statusCode).toBe(403);
  });

  it('activity: households per device per ISO week; a device silent for 7 days is flagged', async () => {
    const res = await get(t, staffer.token, `/api/v1/wards/${WARD}/activity?weeks=4`);
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a.staleAfterDays).toBe(7);
    expect(a.weeks).toHaveLength(4);
    expect(a.weeks[3].week).toBe(isoWeek(todayInVietnam()).label);
    const hoa = a.devices.find((d: { deviceId: string }) => d.deviceId === device.deviceId);
    expect(hoa).toMatchObject({ volunteerName: 'Nguyễn Thị Hoa', stale: false, total: { surveyed: 4, notHome: 1, refused: 0 } });
    const weekOf = (date: string) => hoa.perWeek.find((w: { week: string }) => w.week === isoWeek(date).label);
    const recent = weekOf(daysAgo(1));
    const older = weekOf(daysAgo(8));
    expect(recent.surveyed + older.surveyed).toBe(4);
    expect(older.surveyed).toBeGreaterThanOrEqual(3);
    const vang = a.devices.find((d: { deviceId: string }) => d.deviceId === idle.deviceId);
    expect(vang).toMatchObject({ volunteerName: 'Phạm Văn Vắng', stale: true, lastSyncAt: null, total: { surveyed: 0 } });
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/activity?weeks=0`)).statusCode).toBe(400);
  });
});
