// Retire and lost (issue 12, point 2) against the real server on SQLite and PostgreSQL:
// - retire: the device's outbox is still taken (a batch with records is processed and answered
//   with `device: 'retired'`), and once it asks with nothing waiting the answer is 410
//   device_retired;
// - lost: the next contact is 410 device_lost, nothing it sends is stored, and the devices API
//   shows how many records were waiting then;
// - the waiting count header is validated; the revoke route takes the kind and audits it;
// - the rule across settings (phoneRetentionDays not over retentionMonths) is a translated 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAITING_HEADER } from '../../src/shared/protocol/sync.js';
import { get, household, send, signIn } from '../helpers/dashboard.js';
import { batch, WARD } from '../helpers/records.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type Device = { id: string; revokeKind: string | null; waitingAtLastContact: number | null; lastContactAt: string | null; revokedAt: string | null };

describe.each(backends)('retiring and losing a device on $name', (backend) => {
  let t: TestServer;
  let admin: { token: string; username: string };
  const W = `/api/v1/wards/${WARD}`;
  const devices = async () => ((await get(t, admin.token, `${W}/devices`)).json() as { devices: Device[] }).devices;
  const storedRevisions = async (deviceId: string) =>
    Number((await t.db.db.selectFrom('record_revisions').select((eb) => eb.fn.countAll().as('n')).where('device_id', '=', deviceId).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await startTestServer(backend);
    admin = await signIn(t, WARD, 'ward_admin');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a retired device still sends its outbox, then is told device_retired once nothing waits', async () => {
    const phone = await t.enrol(WARD, 'Máy cho nghỉ');
    const first = household({ groupCode: 'TDP01' });
    expect((await t.sync(phone.token, batch([first]), { [WAITING_HEADER]: '3' })).statusCode).toBe(200);

    const res = await send(t, admin.token, 'POST', `${W}/devices/${phone.deviceId}/revoke`, { kind: 'retired' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ revokeKind: 'retired' });

    // The two records still waiting go through as usual, and the answer says the device is retired.
    const rest = [household({ groupCode: 'TDP01' }), household({ groupCode: 'TDP02', outcome: 'not_home' })];
    const drained = await t.sync(phone.token, batch(rest), { [WAITING_HEADER]: '2' });
    expect(drained.statusCode).toBe(200);
    expect(drained.json().device).toBe('retired');
    expect(drained.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
    expect(await storedRevisions(phone.deviceId)).toBe(3);

    // Held records still waiting (nothing in the batch, but the count is not 0): not yet.
    const held = await t.sync(phone.token, batch([]), { [WAITING_HEADER]: '1' });
    expect(held.statusCode).toBe(200);
    expect(held.json().device).toBe('retired');

    const done = await t.sync(phone.token, batch([]), { [WAITING_HEADER]: '0', 'accept-language': 'en' });
    expect(done.statusCode).toBe(410);
    expect(done.json().error.code).toBe('device_retired');
    expect(done.json().error.message).toMatch(/retired/);
    // Vietnamese by default.
    const vi = await t.sync(phone.token, batch([]), { [WAITING_HEADER]: '0' });
    expect(vi.json().error.message).toMatch(/thu hồi/);

    const listed = (await devices()).find((d) => d.id === phone.deviceId)!;
    expect(listed).toMatchObject({ revokeKind: 'retired', waitingAtLastContact: 0 });
    expect(listed.lastContactAt).not.toBeNull();
    // While draining, a retired phone may still read its ward's configuration.
    expect((await get(t, phone.token, '/api/v1/config')).statusCode).toBe(200);
  });

  it('a lost device is told device_lost at once, nothing it sends is stored, and its waiting count is shown', async () => {
    const phone = await t.enrol(WARD, 'Máy bị mất');
    expect((await t.sync(phone.token, batch([household({ groupCode: 'TDP01' })]), { [WAITING_HEADER]: '1' })).statusCode).toBe(200);
    expect(await storedRevisions(phone.deviceId)).toBe(1);

    expect((await send(t, admin.token, 'POST', `${W}/devices/${phone.deviceId}/revoke`, { kind: 'lost' })).statusCode).toBe(200);
    const refused = await t.sync(phone.token, batch([household({ groupCode: 'TDP01' }), household({ groupCode: 'TDP02' })]), { [WAITING_HEADER]: '7' });
    expect(refused.statusCode).toBe(410);
    expect(refused.json().error.code).toBe('device_lost');
    expect(await storedRevisions(phone.deviceId)).toBe(1);
    // Its configuration read is refused the same way.
    expect((await get(t, phone.token, '/api/v1/config')).statusCode).toBe(410);

    const listed = (await devices()).find((d) => d.id === phone.deviceId)!;
    expect(listed).toMatchObject({ revokeKind: 'lost', waitingAtLastContact: 7 });
    expect(listed.revokedAt).not.toBeNull();
    // A lost device stays lost: asking to retire it changes nothing.
    expect((await send(t, admin.token, 'POST', `${W}/devices/${phone.deviceId}/revoke`, { kind: 'retired' })).json().revokeKind).toBe('lost');
  });

  it('a retired device can still be reported lost; the revoke is audited with its kind; a bad kind is 400', async () => {
    const phone = await t.enrol(WARD, 'Máy nghỉ rồi mất');
    await send(t, admin.token, 'POST', `${W}/devices/${phone.deviceId}/revoke`, { kind: 'retired' });
    expect((await send(t, admin.token, 'POST', `${W}/devices/${phone.deviceId}/revoke`, { kind: 'lost' })).json().revokeKind).toBe('lost');
    expect((await t.sync(phone.token, batch([household({ groupCode: 'TDP01' })]))).statusCode).toBe(410);
    const entries = (await get(t, admin.token, `${W}/audit?action=device.revoke`)).json().entries as { target: string; detail: { kind: string } }[];
    expect(entries.filter((e) => e.target === phone.deviceId).map((e) => e.detail.kind).sort()).toEqual(['lost', 'retired']);
    const bad = await send(t, admin.token, 'POST', `${W}/devices/${phone.deviceId}/revoke`, { kind: 'stolen' }, { 'accept-language': 'en' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/retired.*lost/);
    // Without a body: lost, as the revoke of before.
    const plain = await t.enrol(WARD, 'Máy thu hồi kiểu cũ');
    expect((await send(t, admin.token, 'POST', `${W}/devices/${plain.deviceId}/revoke`)).json().revokeKind).toBe('lost');
  });

  it('the waiting count is stored on every sync and a malformed one is a 400; an unknown token stays 401', async () => {
    const phone = await t.enrol(WARD, 'Máy đếm');
    expect((await t.sync(phone.token, batch([]), { [WAITING_HEADER]: '12' })).statusCode).toBe(200);
    expect((await devices()).find((d) => d.id === phone.deviceId)!.waitingAtLastContact).toBe(12);
    for (const bad of ['-1', 'abc', '1.5', '99999999']) {
      const res = await t.sync(phone.token, batch([]), { [WAITING_HEADER]: bad });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
    }
    expect((await t.sync('no-such-token', batch([]), { [WAITING_HEADER]: '0' })).statusCode).toBe(401);
  });

  it('phoneRetentionDays: 7–365, not more than retentionMonths, audited like the other settings', async () => {
    const url = `${W}/config/settings`;
    expect((await send(t, admin.token, 'PUT', url, { phoneRetentionDays: 6 })).statusCode).toBe(400);
    expect((await send(t, admin.token, 'PUT', url, { phoneRetentionDays: 366 })).statusCode).toBe(400);
    const ok = await send(t, admin.token, 'PUT', url, { phoneRetentionDays: 60 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().settings.phoneRetentionDays).toBe(60);
    const tooLong = await send(t, admin.token, 'PUT', url, { retentionMonths: 1, phoneRetentionDays: 45 }, { 'accept-language': 'en' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.message).toMatch(/cannot be longer than the months/);
    const tooLongVi = await send(t, admin.token, 'PUT', url, { retentionMonths: 1 });
    expect(tooLongVi.statusCode).toBe(400);
    expect(tooLongVi.json().error.message).toMatch(/không được dài hơn/);
    const entries = (await get(t, admin.token, `${W}/audit?action=config.settings`)).json().entries as { detail: { new: { phoneRetentionDays?: number } } }[];
    expect(entries.some((e) => e.detail.new.phoneRetentionDays === 60)).toBe(true);
    // The phones' configuration carries it.
    const phone = await t.enrol(WARD, 'Máy đọc cấu hình');
    expect((await get(t, phone.token, '/api/v1/config')).json().settings.phoneRetentionDays).toBe(60);
  });
});
