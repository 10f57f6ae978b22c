// Ward administration through the dashboard API: targets and settings (ward_admin writes,
// audited old → new, and used by the indicators), the register (JSON and CSV import, good and
// bad, nothing applied on a bad line, groups in use kept, phones' config follows), staff
// accounts and password reset, enrolment codes (the link enrols a phone), devices and revoke.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadWardSeeds } from '../../src/server/services/wards.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { FIXTURE_WARDS_DIR, OTHER_WARD, WARD } from '../helpers/records.js';
import { get, household, member, send, signIn, syncAll } from '../helpers/dashboard.js';

type Audit = { action: string; actorName: string; target: string | null; detail: Record<string, unknown>; at: string };

describe.each(backends)('dashboard administration on $name', (backend) => {
  let t: TestServer;
  let admin: { token: string; username: string };
  let staffer: { token: string; username: string };
  let device: { deviceId: string; token: string };
  const audit = async (action: string) =>
    ((await get(t, admin.token, `/api/v1/wards/${WARD}/audit?action=${action}`)).json() as { entries: Audit[] }).entries;

  beforeAll(async () => {
    t = await startTestServer(backend);
    admin = await signIn(t, WARD, 'ward_admin');
    staffer = await signIn(t, WARD, 'ward_staff');
    device = await t.enrol(WARD, 'Trần Văn Đội');
    await syncAll(t, device.token, [household({ groupCode: 'TDP01' }), household({ groupCode: 'TDP02', outcome: 'not_home' })]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('targets: staff read, admin writes (audited old → new), the indicators use them', async () => {
    const read = await get(t, staffer.token, `/api/v1/wards/${WARD}/config/targets`);
    expect(read.statusCode).toBe(200);
    expect(read.json().targets).toEqual({ '2026': { vneid: 0.85, digital_services: 0.82 } });
    const denied = await send(t, staffer.token, 'PUT', `/api/v1/wards/${WARD}/config/targets`, { targets: {} }, { 'accept-language': 'en' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ error: { code: 'forbidden', message: 'Only a ward administrator may do this.' } });
    const bad = await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/config/targets`, { targets: { '2026': { vneid: 85 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('bad_request');
    const bad2 = await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/config/targets`, { targets: { '2026': { not_an_indicator: 0.5 } } });
    expect(bad2.statusCode).toBe(400);
    const next = { '2026': { vneid: 0.9, digital_services: 0.82, ehr: 0.7 }, '2027': { vneid: 0.95 } };
    const ok = await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/config/targets`, { targets: next });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().targets).toEqual(next);
    const entries = await audit('config.targets');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorName: admin.username, detail: { old: { '2026': { vneid: 0.85, digital_services: 0.82 } }, new: next } });
    const ind = (await get(t, staffer.token, `/api/v1/wards/${WARD}/indicators?year=2027`)).json() as { indicators: { code: string; target: number | null }[] };
    expect(ind.indicators.find((i) => i.code === 'vneid')!.target).toBe(0.95);
    // The phones' configuration carries the new targets too.
    const cfg = await get(t, device.token, '/api/v1/config');
    expect(cfg.json().targets).toEqual(next);
  });

  it('settings: merged, validated, audited, and they change the counts', async () => {
    // The same overview before and after: never a stale cached answer.
    const young = household({ groupCode: 'TDP01', members: [member(2010, { vneid: 'level2' })] });
    const overview = async () =>
      ((await get(t, staffer.token, `/api/v1/wards/${WARD}/indicators`)).json() as { households: { surveyed: number }; indicators: { code: string; denominator: number }[] });
    const first = await overview();
    await syncAll(t, device.token, [young]);
    const second = await overview();
    expect(second.households.surveyed).toBe(first.households.surveyed + 1);
    expect(second.indicators.find((i) => i.code === 'vneid')!.denominator).toBe(first.indicators.find((i) => i.code === 'vneid')!.denominator);
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/config/settings`)).json().settings).toMatchObject({ adultAge: 18, vneidMinAge: 18 });
    expect((await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/config/settings`, { adultAge: 30 })).statusCode).toBe(400);
    expect((await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/config/settings`, { colour: 'red' })).statusCode).toBe(400);
    const ok = await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/config/settings`, { settings: { vneidMinAge: 14 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().settings).toMatchObject({ adultAge: 18, vneidMinAge: 14, retentionMonths: 36 });
    const entries = await audit('config.settings');
    expect(entries[0]!.detail).toMatchObject({ old: { vneidMinAge: 18 }, new: { vneidMinAge: 14 } });
    // The 16-year-old now counts in the VNeID denominator.
    const third = await overview();
    expect(third.indicators.find((i) => i.code === 'vneid')!.denominator).toBe(second.indicators.find((i) => i.code === 'vneid')!.denominator + 1);
    // Seeds loaded again (a restart) never overwrite the edit.
    await loadWardSeeds(t.db.db, FIXTURE_WARDS_DIR);
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/config/settings`)).json().settings.vneidMinAge).toBe(14);
  });

  it('register by JSON: replaces the list, keeps groups in use, phones see it, audited', async () => {
    const groups = [
      { code: 'TDP01', name: 'Tổ dân phố số 1', householdsOnRegister: 150 },
      { code: 'TDP02', name: 'Tổ dân phố số 2', householdsOnRegister: 250 },
      { code: 'TDP99', name: 'Tổ dân phố mới', householdsOnRegister: 80 },
    ];
    expect((await send(t, staffer.token, 'PUT', `/api/v1/wards/${WARD}/groups`, groups)).statusCode).toBe(403);
    expect((await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/groups`, [{ code: 'bad code!', name: 'x', householdsOnRegister: 1 }])).statusCode).toBe(400);
    expect((await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/groups`, [groups[0], groups[0]])).json().error.code).toBe('bad_request');
    const inUse = await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/groups`, [groups[2]], { 'accept-language': 'en' });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error).toMatchObject({ code: 'group_in_use', groups: ['TDP01', 'TDP02'] });
    const ok = await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/groups`, { groups });
    expect(ok.statusCode).toBe(200);
    const listed = (await get(t, staffer.token, `/api/v1/wards/${WARD}/groups`)).json().groups;
    expect(listed).toEqual(groups);
    const overview = (await get(t, staffer.token, `/api/v1/wards/${WARD}/indicators`)).json();
    expect(overview.households.onRegister).toBe(480);
    const cfg = (await get(t, device.token, '/api/v1/config')).json();
    expect(cfg.groups.map((g: { code: string }) => g.code)).toEqual(['TDP01', 'TDP02', 'TDP99']);
    // Sync takes the new tổ dân phố once its register cache (one minute) has expired.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      const res = await t.sync(device.token, { protocolVersion: 1, batchId: crypto.randomUUID(), records: [household({ groupCode: 'TDP99' })] });
      expect(res.json().results[0].status).toBe('accepted');
    } finally {
      clock.mockRestore();
    }
    const entries = await audit('groups.update');
    expect((entries[0]!.detail.new as unknown[]).length).toBe(3);
    expect((entries[0]!.detail.old as unknown[]).length).toBe(30);
  });

  it('register by CSV: BOM, quotes and CRLF accepted; any bad line → 400 listing every line, nothing applied', async () => {
    const before = (await get(t, staffer.token, `/api/v1/wards/${WARD}/groups`)).json().groups;
    const bad = '\uFEFFcode,name,householdsOnRegister\r\nTDP01,Tổ 1,120\r\nTDP02,,30\r\nTDP 3,"Tổ 3",x\r\nTDP01,Tổ 1 lặp,5\r\nTDP04,Tổ 4\r\n';
    const res = await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/groups/import`, bad, { 'content-type': 'text/csv', 'accept-language': 'en' });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('invalid_csv');
    expect(err.message).toBe('The CSV file has invalid lines; nothing was changed.');
    expect(err.lines.map((l: { line: number; problem: string }) => [l.line, l.problem])).toEqual([
      [3, 'name'],
      [4, 'code'],
      [4, 'count'],
      [5, 'duplicate'],
      [6, 'columns'],
    ]);
    expect(err.lines[3].message).toBe('This code already appears on line 2.');
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/groups`)).json().groups).toEqual(before);
    const header = await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/groups/import`, { csv: 'ma,ten,so\nTDP01,A,1' });
    expect(header.json().error.lines[0]).toMatchObject({ line: 1, problem: 'header' });
    expect(header.json().error.lines[0].message).toContain('code,name,householdsOnRegister');

    // TDP99 holds a household since the previous test: it must stay on the register.
    const withoutTdp99 = '\uFEFFcode,name,householdsOnRegister\r\nTDP01,"Tổ dân phố số 1, khu Bắc",130\r\nTDP02,Tổ dân phố số 2,240\r\n';
    const refused = await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/groups/import`, withoutTdp99, { 'content-type': 'text/csv' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.groups).toEqual(['TDP99']);
    const good = withoutTdp99 + 'TDP99,Tổ dân phố mới,80\r\n\r\n';
    const ok = await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/groups/import`, good, { 'content-type': 'text/csv; charset=utf-8' });
    expect(ok.statusCode).toBe(200);
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/groups`)).json().groups).toEqual([
      { code: 'TDP01', name: 'Tổ dân phố số 1, khu Bắc', householdsOnRegister: 130 },
      { code: 'TDP02', name: 'Tổ dân phố số 2', householdsOnRegister: 240 },
      { code: 'TDP99', name: 'Tổ dân phố mới', householdsOnRegister: 80 },
    ]);
    expect(await audit('groups.import')).toHaveLength(1);
    expect((await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/groups/import`, good, { 'content-type': 'text/csv' })).statusCode).toBe(403);
  });

  it('staff accounts: admin adds ward staff (who can sign in), resets a password (old sessions end)', async () => {
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/users`)).statusCode).toBe(403);
    const weak = await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/users`, { username: 'lan.nguyen', password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.message).toBe('Mật khẩu cần ít nhất 12 ký tự (tối đa 200).');
    expect((await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/users`, { username: 'có dấu', password: 'mật khẩu dài đủ' })).statusCode).toBe(400);
    const made = await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/users`, { username: 'Lan.Nguyen', password: 'mật khẩu dài đủ' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toEqual({ id: expect.any(String), username: 'lan.nguyen', role: 'ward_staff' });
    expect((await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/users`, { username: 'lan.nguyen', password: 'mật khẩu dài đủ' })).statusCode).toBe(409);
    const login = async (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lan.nguyen', password } });
    const first = await login('mật khẩu dài đủ');
    expect(first.json()).toMatchObject({ wardCode: WARD, role: 'ward_staff' });
    const users = (await get(t, admin.token, `/api/v1/wards/${WARD}/users`)).json().users as { id: string; username: string }[];
    expect(users.map((u) => u.username)).toContain('lan.nguyen');
    expect(JSON.stringify(users)).not.toContain('scrypt');
    const id = made.json().id as string;
    expect((await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/users/${id}/reset-password`, { password: 'mật khẩu mới rất dài' })).statusCode).toBe(204);
    expect((await get(t, first.json().token, `/api/v1/wards/${WARD}/indicators`)).statusCode).toBe(401);
    expect((await login('mật khẩu dài đủ')).statusCode).toBe(401);
    expect((await login('mật khẩu mới rất dài')).statusCode).toBe(200);
    expect((await send(t, admin.token, 'POST', `/api/v1/wards/${WARD}/users/nope/reset-password`, { password: 'mật khẩu mới rất dài' })).statusCode).toBe(404);
    const entries = [...(await audit('users.create')), ...(await audit('users.reset_password'))];
    expect(entries).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toContain('mật khẩu');
  });

  it('enrolment codes: {code, link}; the link pre-fills a phone that then enrols; not audited in clear', async () => {
    const res = await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/enrolment-codes`, { uses: 2 }, { host: 'phuong.example:8080' });
    expect(res.statusCode).toBe(201);
    const { code, link, expiresAt } = res.json() as { code: string; link: string; expiresAt: string };
    // The code in the fragment: never sent to a server or a proxy's log.
    expect(link).toBe(`http://phuong.example:8080/#/enrol?ward=${WARD}&code=${code}`);
    const params = new URLSearchParams(new URL(link).hash.split('?')[1]);
    const enrol = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices/enrol',
      payload: { wardCode: params.get('ward'), enrolmentCode: params.get('code'), volunteerName: 'Lê Thị Mới' },
    });
    expect(enrol.statusCode).toBe(201);
    expect((await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/enrolment-codes`, { uses: 0 })).statusCode).toBe(400);
    const entries = await audit('enrolment_code.issue');
    expect(entries[0]!.detail).toEqual({ uses: 2, expiresAt });
    expect(JSON.stringify(entries)).not.toContain(code);
  });

  it('devices: volunteer, last sync, record counts; revoke (audited) stops its sync; other ward 404', async () => {
    const list = (await get(t, staffer.token, `/api/v1/wards/${WARD}/devices`)).json().devices as {
      id: string; volunteerName: string; lastSyncAt: string | null; records: { households: number; surveyed: number; notHome: number; revisions: number }; stale: boolean;
    }[];
    const mine = list.find((d) => d.id === device.deviceId)!;
    expect(mine.volunteerName).toBe('Trần Văn Đội');
    expect(mine.lastSyncAt).not.toBeNull();
    expect(mine.records).toMatchObject({ households: 4, surveyed: 3, notHome: 1, revisions: 4 }); // 2 at the start, 1 in the settings test, 1 in TDP99
    expect(mine.stale).toBe(false);
    const other = await t.enrol(OTHER_WARD);
    expect((await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/devices/${other.deviceId}/revoke`)).statusCode).toBe(404);
    const revoked = await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/devices/${device.deviceId}/revoke`);
    expect(revoked.statusCode).toBe(200);
    // No kind given: lost, as the revoke of before (nothing more is taken; the phone is told to wipe).
    expect(revoked.json()).toEqual({ id: device.deviceId, revokedAt: expect.any(String), revokeKind: 'lost' });
    const refused = await t.sync(device.token, { protocolVersion: 1, batchId: crypto.randomUUID(), records: [] });
    expect(refused.statusCode).toBe(410);
    expect(refused.json().error.code).toBe('device_lost');
    expect(await audit('device.revoke')).toHaveLength(1);
  });

  it('every admin endpoint refuses a device token (403), another ward (403) and no token (401)', async () => {
    const dev = await t.enrol(WARD);
    const other = await signIn(t, OTHER_WARD, 'ward_admin');
    const calls: [string, 'GET' | 'POST' | 'PUT'][] = [
      ['config/targets', 'GET'], ['config/targets', 'PUT'], ['config/settings', 'GET'], ['config/settings', 'PUT'],
      ['groups', 'GET'], ['groups', 'PUT'], ['groups/import', 'POST'], ['users', 'GET'], ['users', 'POST'],
      ['users/x/reset-password', 'POST'], ['enrolment-codes', 'POST'], ['devices', 'GET'], ['devices/x/revoke', 'POST'],
    ];
    for (const [path, method] of calls) {
      const url = `/api/v1/wards/${WARD}/${path}`;
      const call = (token: string | null) => (method === 'GET' ? get(t, token, url) : send(t, token, method, url, {}));
      expect([path, (await call(null)).statusCode]).toEqual([path, 401]);
      expect([path, (await call(dev.token)).statusCode]).toEqual([path, 403]);
      expect([path, (await call(other.token)).statusCode]).toEqual([path, 403]);
    }
  });
});
