// The PIN's life cycle: the upgrade in place of a database written by the code of today's main,
// wrong PINs with their growing waits (an injected clock, no sleeping), the wipe after 10 that
// waits for the outbox, and the forgotten PIN.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installEncryption } from '../../../src/app/security/at-rest.js';
import { Keyring } from '../../../src/app/security/lock-state.js';
import {
  completeWipeIfDue,
  getAttempts,
  getLockConfig,
  initLock,
  requestWipe,
  setSecret,
  unlockWithSecret,
  waitAfter,
} from '../../../src/app/security/pin-lock.js';
import { getAssistEntry, putAssistEntry, saveAssistance } from '../../../src/app/storage/assistance-repo.js';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { META_KEYS, setMeta } from '../../../src/app/storage/meta.js';
import { saveHousehold } from '../../../src/app/storage/records-repo.js';
import { adultMember, surveyedHousehold } from '../storage/household-fixture.js';

let name: string;
let dbs: GoCuaDb[] = [];
beforeEach(() => {
  name = `pin-${crypto.randomUUID()}`;
});
afterEach(async () => {
  for (const d of dbs) d.close();
  dbs = [];
  await new GoCuaDb(name).delete();
});

function open(keyring?: Keyring): GoCuaDb {
  const d = keyring ? installEncryption(new GoCuaDb(name), keyring) : new GoCuaDb(name);
  dbs.push(d);
  return d;
}

async function everything(d: GoCuaDb) {
  return {
    records: await d.records.orderBy('id').toArray(),
    summaries: await d.summaries.orderBy('id').toArray(),
    drafts: await d.drafts.orderBy('id').toArray(),
    outbox: await d.outbox.toArray(),
    entry: await getAssistEntry(d),
  };
}

describe('upgrade in place', () => {
  it('encrypts a database written by the current code once the PIN is set, keeping every record, summary, draft and outbox entry', async () => {
    // Written as today's main writes it: no middleware, everything clear.
    const before = open();
    for (let i = 0; i < 3; i++) {
      const r = await saveHousehold(before, surveyedHousehold({ members: [{ ...adultMember(`Phạm Văn Bảy ${i}`, 1970), cccd: '001070012345', phone: '0912345678' }] }));
      expect(r.ok).toBe(true);
    }
    const a = await saveAssistance(before, { wardCode: '10546', helpedAt: '2026-11-22T02:00:00.000Z', person: { birthYear: 1950 }, kinds: ['install_vneid'], outcome: 'done' });
    expect(a.ok).toBe(true);
    await saveDraft(before, { id: 'd1', form: { address: { street: 'Lạch Tray' } }, step: 'address', searchText: 'lach tray' });
    await putAssistEntry(before, { name: 'Đỗ Thị Mười' });
    await setMeta(before, META_KEYS.serverNotices, [{ recordId: 'x', label: { house: 'Số 77B' } }]);
    const expected = await everything(before);
    before.close();

    const keyring = new Keyring();
    const after = open(keyring);
    expect(await initLock(after, keyring)).toBe('no_pin');
    // No PIN yet: the clear rows read as they are.
    expect(await everything(after)).toEqual(expected);
    await setSecret(after, keyring, '135790', 'pin');
    expect((await getLockConfig(after))?.encryptedAt).toBeTruthy();

    const raw = open();
    const stored = JSON.stringify([await raw.records.toArray(), await raw.summaries.toArray(), await raw.drafts.toArray(), await raw.meta.toArray()], (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
    );
    for (const secret of ['Phạm Văn Bảy', 'pham van bay', '001070012345', '0912345678', 'Lạch Tray', 'lach tray', 'Đỗ Thị Mười', 'Trần Hưng Đạo', 'Số 77B']) expect(stored).not.toContain(secret);
    expect(await raw.outbox.count()).toBe(expected.outbox.length);

    keyring.lock();
    expect(await initLock(after, keyring)).toBe('locked');
    expect(await unlockWithSecret(after, keyring, '135790')).toEqual({ ok: true });
    expect(await everything(after)).toEqual(expected);
  });
});

describe('wrong PINs', () => {
  it('waits longer after 5 free tries (persisted), wipes after 10 once the outbox is empty', { timeout: 180_000 }, async () => {
    expect([4, 5, 6, 7, 8, 9].map(waitAfter)).toEqual([0, 30_000, 60_000, 300_000, 900_000, 3_600_000]);
    let now = Date.parse('2026-12-03T08:00:00Z');
    const clock = { now: () => now };
    const keyring = new Keyring();
    const d = open(keyring);
    await initLock(d, keyring);
    await setSecret(d, keyring, '135790', 'pin');
    const saved = await saveHousehold(d, surveyedHousehold());
    expect(saved.ok).toBe(true);
    keyring.lock();

    for (let i = 1; i <= 4; i++) expect(await unlockWithSecret(d, keyring, '000000', clock)).toMatchObject({ ok: false, reason: 'wrong', failures: i });
    const fifth = await unlockWithSecret(d, keyring, '000000', clock);
    expect(fifth).toMatchObject({ reason: 'wrong', failures: 5, waitUntil: now + 30_000 });
    // Even the right PIN waits; a reload (another keyring on the same database) does not reset it.
    expect(await unlockWithSecret(d, keyring, '135790', clock)).toEqual({ ok: false, reason: 'wait', waitUntil: now + 30_000 });
    const reloaded = new Keyring();
    const d2 = open(reloaded);
    expect(await unlockWithSecret(d2, reloaded, '135790', clock)).toMatchObject({ reason: 'wait' });
    for (const [failures, wait] of [[6, 60_000], [7, 300_000], [8, 900_000], [9, 3_600_000]] as const) {
      now += 3_600_000;
      expect(await unlockWithSecret(d, keyring, '999999', clock)).toMatchObject({ reason: 'wrong', failures, waitUntil: now + wait, triesLeft: 10 - failures });
    }
    now += 3_600_000;
    // The 10th: no more PINs; the household still waits in the outbox, so nothing is wiped yet.
    expect(await unlockWithSecret(d, keyring, '999999', clock)).toEqual({ ok: false, reason: 'wipe_pending' });
    expect(await unlockWithSecret(d, keyring, '135790', clock)).toEqual({ ok: false, reason: 'wipe_pending' });
    expect(await d.records.count()).toBe(1);
    // The outbox drains (a locked sync), then the wipe happens and a new PIN is asked for.
    await d.outbox.clear();
    expect(await completeWipeIfDue(d, keyring)).toBe(true);
    expect(keyring.status).toBe('no_pin');
    expect(await d.records.count()).toBe(0);
    expect(await d.summaries.count()).toBe(0);
    expect(await getLockConfig(d)).toBeUndefined();
    expect((await getAttempts(d)).failures).toBe(0);
  });

  it('a right PIN resets the count; a forgotten PIN resets the phone once nothing waits', async () => {
    const keyring = new Keyring();
    const d = open(keyring);
    await initLock(d, keyring);
    await setSecret(d, keyring, 'mật khẩu dài hơn', 'passcode');
    keyring.lock();
    expect(await unlockWithSecret(d, keyring, 'sai rồi')).toMatchObject({ reason: 'wrong', failures: 1 });
    expect(await unlockWithSecret(d, keyring, 'mật khẩu dài hơn')).toEqual({ ok: true });
    expect((await getAttempts(d)).failures).toBe(0);
    await d.drafts.put({ id: 'd', kind: 'household', form: { x: 1 }, step: 'a', searchText: 'x', createdAt: '', updatedAt: '' });
    expect(await requestWipe(d, keyring, 'forgotten')).toBe(true);
    expect(keyring.status).toBe('no_pin');
    expect(await d.drafts.count()).toBe(0);
  });
});
