// Enrolment against scripted answers: stores the credentials and the ward configuration, maps
// 401 / 403 / network failures to translated codes, reads the QR link.
import { describe, expect, it } from 'vitest';
import { enrolDevice, readEnrolmentLink, refreshWardConfig, validateEnrolInput } from '../../../src/app/sync/enrolment.js';
import { getDevice } from '../../../src/app/sync/device-store.js';
import { getSigningKey } from '../../../src/app/sync/signing-key.js';
import { getWardConfig } from '../../../src/app/storage/ward-config.js';
import { DEMO_WARD } from '../../../src/app/demo-ward.js';
import { freshDb, jsonResponse } from '../../helpers/sync-fixtures.js';

const input = { wardCode: ' 10546 ', enrolmentCode: ' AB12-CD34 ', volunteerName: '  Trần   Thị Lan ' };
const config = { ...DEMO_WARD, name: 'Phường Thử' };

describe('enrolDevice', () => {
  it('stores the device and the ward configuration', async () => {
    const db = await freshDb(false);
    const calls: { url: string; init?: RequestInit }[] = [];
    const fetch: typeof globalThis.fetch = async (url, init) => {
      calls.push({ url: String(url), ...(init ? { init } : {}) });
      if (String(url).endsWith('/api/v1/devices/enrol')) return jsonResponse(201, { deviceId: 'd-1', token: 'tok' });
      return jsonResponse(200, config);
    };
    const result = await enrolDevice(db, input, { baseUrl: 'http://w', fetch });
    expect(result.ok).toBe(true);
    const sent = JSON.parse(calls[0]!.init!.body as string);
    expect(sent).toEqual({ wardCode: '10546', enrolmentCode: 'AB12-CD34', volunteerName: 'Trần Thị Lan', signingKey: expect.stringMatching(/^B[A-Za-z0-9_-]{86}$/) });
    // The signing key sent is the one kept, its private half not extractable; nothing else to register.
    const signing = await getSigningKey(db);
    expect(signing).toMatchObject({ publicKey: sent.signingKey, deviceId: 'd-1', registered: 'yes' });
    expect(signing!.privateKey.extractable).toBe(false);
    expect(calls.map((c) => c.url)).toEqual(['http://w/api/v1/devices/enrol', 'http://w/api/v1/config']);
    expect(calls[1]!.url).toBe('http://w/api/v1/config');
    expect(new Headers(calls[1]!.init!.headers).get('authorization')).toBe('Bearer tok');
    expect(await getDevice(db)).toMatchObject({ deviceId: 'd-1', token: 'tok', wardCode: '10546', volunteerName: 'Trần Thị Lan' });
    expect((await getWardConfig(db)).name).toBe('Phường Thử');
    db.close();
  });

  it('maps 401, 403, 429 and network failures to codes and stores nothing', async () => {
    const db = await freshDb(false);
    const answer = (status: number) => async () => jsonResponse(status, { error: { code: 'x', message: 'x' } });
    expect(await enrolDevice(db, input, { fetch: answer(401) })).toMatchObject({ ok: false, code: 'wrong_code', fieldErrors: { enrolmentCode: 'wrong_code' } });
    expect(await enrolDevice(db, input, { fetch: answer(403) })).toMatchObject({ ok: false, code: 'other_ward', fieldErrors: { wardCode: 'other_ward' } });
    expect(await enrolDevice(db, input, { fetch: answer(429) })).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(await enrolDevice(db, input, { fetch: answer(500) })).toMatchObject({ ok: false, code: 'server' });
    expect(await enrolDevice(db, input, { fetch: async () => { throw new TypeError('fetch failed'); } })).toMatchObject({ ok: false, code: 'offline' });
    expect(await getDevice(db)).toBeUndefined();
    db.close();
  });

  it('checks the form before asking the server', async () => {
    expect(validateEnrolInput({ wardCode: '123', enrolmentCode: ' ', volunteerName: '' })).toEqual({
      wardCode: 'ward_code_format',
      enrolmentCode: 'code_required',
      volunteerName: 'name_required',
    });
    const db = await freshDb(false);
    let called = false;
    const r = await enrolDevice(db, { ...input, wardCode: 'abc' }, { fetch: async () => { called = true; return jsonResponse(201, {}); } });
    expect(r).toMatchObject({ ok: false, code: 'ward_code_format' });
    expect(called).toBe(false);
    db.close();
  });

  it('registers a signing key once for a phone enrolled without one; a 409 is kept as "other"', async () => {
    const db = await freshDb(true);
    const device = await getDevice(db);
    const posted: string[] = [];
    const answer = (status: number): typeof globalThis.fetch => async (url, init) => {
      if (String(url).endsWith('/api/v1/devices/signing-key')) {
        posted.push(JSON.parse(init!.body as string).publicKey);
        return jsonResponse(status, {});
      }
      return jsonResponse(200, config);
    };
    await refreshWardConfig(db, { fetch: answer(503) }); // not taken: tried again next time, same key
    expect((await getSigningKey(db))?.registered).toBe('no');
    await refreshWardConfig(db, { fetch: answer(201) });
    await refreshWardConfig(db, { fetch: answer(201) });
    expect(posted).toHaveLength(2);
    expect(posted[1]).toBe(posted[0]);
    expect(await getSigningKey(db)).toMatchObject({ deviceId: device!.deviceId, registered: 'yes', publicKey: posted[0] });
    const other = await freshDb(true);
    await refreshWardConfig(other, { fetch: answer(409) });
    expect((await getSigningKey(other))?.registered).toBe('other');
    db.close();
    other.close();
  });

  it('keeps the cached configuration when a refresh fails or sends garbage', async () => {
    const db = await freshDb(true);
    await refreshWardConfig(db, { fetch: async () => jsonResponse(200, config) });
    expect((await getWardConfig(db)).name).toBe('Phường Thử');
    expect(await refreshWardConfig(db, { fetch: async () => jsonResponse(200, { name: 'broken' }) })).toBeUndefined();
    expect(await refreshWardConfig(db, { fetch: async () => { throw new TypeError('offline'); } })).toBeUndefined();
    expect((await getWardConfig(db)).name).toBe('Phường Thử');
    db.close();
  });
});

describe('readEnrolmentLink', () => {
  it('reads ?ward=&code= from the query or the hash route', () => {
    expect(readEnrolmentLink('https://x.vn/?ward=10546&code=AB12')).toEqual({ wardCode: '10546', enrolmentCode: 'AB12' });
    expect(readEnrolmentLink('https://x.vn/#/enrol?ward=10546&code=AB12')).toEqual({ wardCode: '10546', enrolmentCode: 'AB12' });
    expect(readEnrolmentLink('https://x.vn/')).toEqual({});
  });
});
