// Ownership inside a ward and staff changes that reach the owning phone (issue 10, point 5),
// through the real sync endpoint on every backend: another device's rev is `not_owner`;
// transfer-records (dashboard route and admin CLI, audited) moves the right to write; a staff
// void reaches the owning phone in its next answer until it acknowledges it (`applied`); the
// phone's rev built before the void is a conflict carrying the server's state, kept for review,
// and the household stays voided.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as recordOwners from '../../src/server/db/migrations/20261203T090000-record-owners.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import { sql } from 'kysely';
import { backends } from '../helpers/server-db.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';
import { get, send, signIn } from '../helpers/dashboard.js';

vi.setConfig({ testTimeout: 60_000 });

describe.each(backends)('ownership and staff changes on $name', (backend) => {
  let t: TestServer;
  let staffer: { token: string; username: string };

  beforeAll(async () => {
    t = await startTestServer(backend);
    staffer = await signIn(t, WARD);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const syncBody = (records: unknown[], extra: Record<string, unknown> = {}) => ({ ...batch(records), ...extra });
  const revs = (id: string) => t.db.db.selectFrom('record_revisions').select(['rev', 'device_id']).where('record_id', '=', id).orderBy('rev').execute();
  const householdRow = (id: string) => t.db.db.selectFrom('households').selectAll().where('record_id', '=', id).executeTakeFirstOrThrow();
  const next = (r: HouseholdRecord, note: string): HouseholdRecord => ({ ...r, rev: r.rev + 1, data: { ...r.data, note } });
  const voidIt = (id: string, reason = 'Trùng hộ') => send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/households/${id}/void`, { reason });

  it('another device of the ward cannot write a record it does not own: rejected not_owner, translated, nothing stored', async () => {
    const owner = await t.enrol(WARD, 'Chủ hộ ghi');
    const other = await t.enrol(WARD, 'Máy khác');
    const rec = householdRecord({ seed: 11 });
    expect((await t.sync(owner.token, batch([rec]))).json().results[0].status).toBe('accepted');
    const res = await t.sync(other.token, batch([next(rec, 'sửa trộm'), { ...rec, data: { ...rec.data, note: 'cùng rev khác nội dung' } }]), { 'accept-language': 'en' });
    const [newer, sameRev] = res.json().results;
    expect(newer).toMatchObject({ status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] });
    expect(newer.errors[0].message).toMatch(/Another device made this record/);
    // A different body under a stored rev is not kept as a conflict either: the device has no say.
    expect(sameRev).toMatchObject({ status: 'rejected', errors: [{ code: 'not_owner' }] });
    // A void from another phone cannot undo or make anything.
    const voided = { ...next(rec, 'x'), data: { ...rec.data, voided: true, voidReason: 'không phải của tôi' } };
    expect((await t.sync(other.token, batch([voided]))).json().results[0].status).toBe('rejected');
    expect((await revs(rec.id)).map((r) => r.rev)).toEqual([1]);
    expect(await t.db.db.selectFrom('conflicts').select('id').where('record_id', '=', rec.id).execute()).toEqual([]);
    // An exact retry of the stored rev is still a harmless duplicate, and the owner goes on writing.
    expect((await t.sync(other.token, batch([rec]))).json().results[0].status).toBe('duplicate');
    expect((await t.sync(owner.token, batch([next(rec, 'sửa')]))).json().results[0].status).toBe('accepted');
    expect(await t.db.db.selectFrom('record_owners').selectAll().where('record_id', '=', rec.id).executeTakeFirstOrThrow()).toMatchObject({
      device_id: owner.deviceId,
      ward_code: WARD,
      unseen_staff_rev: null,
    });
  });

  it('transfer-records on the devices screen: the new device can write, the old cannot; audited; same ward only', async () => {
    const old = await t.enrol(WARD, 'Máy cũ');
    const fresh = await t.enrol(WARD, 'Máy mới');
    const a = householdRecord({ seed: 21 });
    const b = householdRecord({ seed: 22 });
    await t.sync(old.token, batch([a, b]));
    const url = (id: string) => `/api/v1/wards/${WARD}/devices/${id}/transfer-records`;
    const res = await send(t, staffer.token, 'POST', url(old.deviceId), { to: fresh.deviceId });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ from: old.deviceId, to: fresh.deviceId, records: 2 });
    expect((await t.sync(old.token, batch([next(a, 'máy cũ')]))).json().results[0]).toMatchObject({ status: 'rejected', errors: [{ code: 'not_owner' }] });
    expect((await t.sync(fresh.token, batch([next(a, 'máy mới'), next(b, 'máy mới')]))).json().results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'accepted',
    ]);
    // Handing over the right to write sends nothing: the old device's records never reach the new one.
    const empty = (await t.sync(fresh.token, batch([]))).json();
    expect(empty.serverRecords).toBeUndefined();
    const audit = (await get(t, (await signIn(t, WARD, 'ward_admin')).token, `/api/v1/wards/${WARD}/audit?action=records.transfer`)).json().entries;
    expect(audit[0]).toMatchObject({ action: 'records.transfer', target: fresh.deviceId, actorName: staffer.username, detail: { from: old.deviceId, to: fresh.deviceId, records: 2 } });
    // Refusals: the same device, a device of another ward, an unknown device, a phone's token.
    expect((await send(t, staffer.token, 'POST', url(fresh.deviceId), { to: fresh.deviceId })).statusCode).toBe(400);
    const foreign = await t.enrol(OTHER_WARD, 'Phường khác');
    expect((await send(t, staffer.token, 'POST', url(fresh.deviceId), { to: foreign.deviceId })).statusCode).toBe(404);
    expect((await send(t, staffer.token, 'POST', url(randomUUID()), { to: fresh.deviceId })).statusCode).toBe(404);
    expect((await send(t, staffer.token, 'POST', url(fresh.deviceId), {})).statusCode).toBe(400);
    expect((await send(t, fresh.token, 'POST', url(old.deviceId), { to: fresh.deviceId })).statusCode).toBe(403);
    const otherStaff = await signIn(t, OTHER_WARD);
    expect((await send(t, otherStaff.token, 'POST', url(fresh.deviceId), { to: old.deviceId })).statusCode).toBe(403);
    expect((await send(t, otherStaff.token, 'POST', `/api/v1/wards/${OTHER_WARD}/devices/${fresh.deviceId}/transfer-records`, { to: foreign.deviceId })).statusCode).toBe(404);
    expect((await revs(a.id)).map((r) => r.device_id)).toEqual([old.deviceId, fresh.deviceId]);
  });

  it('transfer-records in the admin CLI prints the count, is audited, and refuses devices of two wards', async () => {
    const old = await t.enrol(WARD, 'Máy hỏng');
    const fresh = await t.enrol(WARD, 'Máy đăng ký lại');
    const rec = householdRecord({ seed: 31 });
    await t.sync(old.token, batch([rec]));
    const r = runAdmin(['transfer-records', '--from', old.deviceId, '--to', fresh.deviceId], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1\n');
    expect((await t.sync(fresh.token, batch([next(rec, 'tiếp tục')]))).json().results[0].status).toBe('accepted');
    expect((await t.sync(old.token, batch([next(next(rec, 'a'), 'b')]))).json().results[0].status).toBe('rejected');
    const audit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'records.transfer').where('target', '=', fresh.deviceId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ ward_code: WARD, actor_id: 'cli', actor_name: 'admin-cli' });
    const foreign = await t.enrol(OTHER_WARD, 'Phường khác');
    const bad = runAdmin(['transfer-records', '--from', fresh.deviceId, '--to', foreign.deviceId], t.env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/different wards/);
    expect(runAdmin(['transfer-records', '--from', fresh.deviceId], t.env).code).toBe(2);
  });

  it('a staff void reaches the owning phone, its rev built before the void is a conflict with the server state, and the household stays voided', async () => {
    const phone = await t.enrol(WARD, 'Tình nguyện viên');
    const neighbour = await t.enrol(WARD, 'Máy bên cạnh');
    const rec = householdRecord({ seed: 41 });
    const rev2 = next(rec, 'đã sửa');
    await t.sync(phone.token, batch([rec]));
    await t.sync(phone.token, batch([rev2]));
    const voided = await voidIt(rec.id);
    expect(voided.json()).toMatchObject({ rev: 3, voided: true });

    // The owning phone's next answer carries the server's state; a neighbour's does not.
    expect((await t.sync(neighbour.token, batch([]))).json().serverRecords).toBeUndefined();
    const told = (await t.sync(phone.token, batch([]))).json();
    expect(told.serverRecords).toHaveLength(1);
    expect(told.serverRecords[0]).toMatchObject({ id: rec.id, rev: 3, kind: 'household', data: { voided: true, voidReason: 'Trùng hộ', note: 'đã sửa' } });
    // Not acknowledged: told again.
    expect((await t.sync(phone.token, batch([]))).json().serverRecords.map((r: { id: string }) => r.id)).toEqual([rec.id]);

    // The phone edited its older copy (rev 3 on its side, and rev 4 after it): both are
    // conflicts carrying the server state, kept for review; nothing un-voids.
    const phoneRev3 = next(rev2, 'sửa trên máy, chưa biết bị hủy');
    const phoneRev4 = next(phoneRev3, 'sửa lần nữa');
    const res = await t.sync(phone.token, batch([phoneRev3, phoneRev4]));
    const body = res.json();
    for (const [i, r] of [phoneRev3, phoneRev4].entries()) {
      expect(body.results[i]).toMatchObject({ id: rec.id, rev: r.rev, status: 'conflict', errors: [{ path: 'rev', code: 'staff_change' }] });
      expect(body.results[i].errors[0].message).toMatch(/Cán bộ phường đã thay đổi/);
      expect(body.results[i].serverRecord).toMatchObject({ id: rec.id, rev: 3, data: { voided: true } });
    }
    // The record answered in a result is not repeated in serverRecords.
    expect(body.serverRecords).toBeUndefined();
    expect((await householdRow(rec.id)).voided).toBe(1);
    expect((await revs(rec.id)).map((r) => r.rev)).toEqual([1, 2, 3]);
    const conflicts = await t.db.db.selectFrom('conflicts').select(['rev', 'device_id']).where('record_id', '=', rec.id).orderBy('rev').execute();
    expect(conflicts).toEqual([
      { rev: 3, device_id: phone.deviceId },
      { rev: 4, device_id: phone.deviceId },
    ]);

    // The phone takes the state and says so (`applied`): no more server states, and a rev built
    // on the voided state is accepted — still voided, since the phone built it from the void.
    const ack = await t.sync(phone.token, syncBody([], { applied: [{ id: rec.id, rev: 3 }] }));
    expect(ack.statusCode).toBe(200);
    expect(ack.json().serverRecords).toBeUndefined();
    const onVoid = next(told.serverRecords[0] as HouseholdRecord, 'ghi chú sau khi hủy');
    expect((await t.sync(phone.token, batch([onVoid]))).json().results[0].status).toBe('accepted');
    expect((await householdRow(rec.id)).voided).toBe(1);
  });

  it('an acknowledgement travels with the rev built on it; a later staff change is told again; acks of others are ignored', async () => {
    const phone = await t.enrol(WARD, 'Lan');
    const stranger = await t.enrol(WARD, 'Người lạ');
    const rec = householdRecord({ seed: 51 });
    await t.sync(phone.token, batch([rec]));
    await voidIt(rec.id);
    // A stranger acknowledging it changes nothing for the owner.
    await t.sync(stranger.token, syncBody([], { applied: [{ id: rec.id, rev: 99 }] }));
    const told = (await t.sync(phone.token, batch([]))).json().serverRecords;
    expect(told.map((r: { rev: number }) => r.rev)).toEqual([2]);
    // Ack and the next rev in one request: the ack is applied first.
    const onVoid = next(told[0] as HouseholdRecord, 'sau khi hủy');
    const res = (await t.sync(phone.token, syncBody([onVoid], { applied: [{ id: rec.id, rev: 2 }] }))).json();
    expect(res.results[0].status).toBe('accepted');
    expect(res.serverRecords).toBeUndefined();
    // An acknowledgement of an older rev does not cover a newer staff change.
    await t.db.db.updateTable('record_owners').set({ unseen_staff_rev: 3 }).where('record_id', '=', rec.id).execute();
    const again = (await t.sync(phone.token, syncBody([], { applied: [{ id: rec.id, rev: 2 }] }))).json();
    expect(again.serverRecords.map((r: { rev: number }) => r.rev)).toEqual([3]);
  });

  it('a malformed applied list is a 400, like any malformed envelope', async () => {
    const phone = await t.enrol(WARD, 'Hoa');
    for (const applied of [[{ id: 'not-a-uuid', rev: 1 }], [{ id: randomUUID(), rev: 0 }], 'x', Array.from({ length: 501 }, () => ({ id: randomUUID(), rev: 1 }))]) {
      const res = await t.sync(phone.token, syncBody([], { applied }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
    }
  });

  it('the migration gives every stored record the device of its first rev as owner, and marks staff voids still untold', async () => {
    const a = await t.enrol(WARD, 'Trước khi nâng cấp');
    const voidedRec = householdRecord({ seed: 61 });
    const plainRec = householdRecord({ seed: 62 });
    await t.sync(a.token, batch([voidedRec, plainRec]));
    await t.sync(a.token, batch([next(plainRec, 'rev 2')]));
    await voidIt(voidedRec.id);
    // Back to the database as it was before the migration, then run it again. (Later migrations
    // are not all reversible, so the migration's own `up` is run rather than the migrator.)
    await sql`DROP TABLE record_owners`.execute(t.db.db);
    await recordOwners.up(t.db.db as never);
    const owners = await t.db.db.selectFrom('record_owners').selectAll().where('record_id', 'in', [voidedRec.id, plainRec.id]).orderBy('record_id').execute();
    expect(Object.fromEntries(owners.map((o) => [o.record_id, [o.device_id, o.unseen_staff_rev === null ? null : Number(o.unseen_staff_rev)]]))).toEqual({
      [voidedRec.id]: [a.deviceId, 2],
      [plainRec.id]: [a.deviceId, null],
    });
    // Every stored record has exactly one owner.
    const records = await t.db.db.selectFrom('record_revisions').select((eb) => eb.fn.count<string>('record_id').distinct().as('n')).executeTakeFirstOrThrow();
    const owned = await t.db.db.selectFrom('record_owners').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(owned.n)).toBe(Number(records.n));
    expect((await t.sync(a.token, batch([]))).json().serverRecords.map((r: { id: string }) => r.id)).toContain(voidedRec.id);
  });
});
