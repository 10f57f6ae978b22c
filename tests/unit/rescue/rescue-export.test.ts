// The phone's rescue file builder (src/app/features/rescue/rescue-export.ts) on fake IndexedDB:
// it holds every record with an outbox entry (waiting or held) exactly as a sync would send it,
// and every draft; the payload opens with the ward's private key under the rescue `info` only;
// the signature verifies with the phone's public key; nothing on the phone changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRescueFile, rescueContents } from '../../../src/app/features/rescue/rescue-export.js';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { setMeta, META_KEYS } from '../../../src/app/storage/meta.js';
import { saveHousehold } from '../../../src/app/storage/records-repo.js';
import { setDevice } from '../../../src/app/sync/device-store.js';
import { newSigningKey, setSigningKey } from '../../../src/app/sync/signing-key.js';
import { DEMO_WARD } from '../../../src/app/demo-ward.js';
import { generateSealingKeyPair, openBound, openText } from '../../../src/shared/crypto/hpke.js';
import { rescueAadText, rescueInfoText, verifyRescueFile } from '../../../src/shared/crypto/rescue-file.js';
import { notHomeHousehold, surveyedHousehold } from '../storage/household-fixture.js';

let db: GoCuaDb;
beforeEach(() => {
  db = new GoCuaDb(`rescue-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

async function enrolled() {
  const ward = await generateSealingKeyPair();
  await setMeta(db, META_KEYS.wardConfig, { ...DEMO_WARD, sealingKey: { suite: ward.suite, kid: ward.kid, publicKey: ward.publicKey } });
  await setDevice(db, { deviceId: '5f0c9a3e-8a51-4b7e-9d1f-0a2b3c4d5e6f', token: 't', wardCode: DEMO_WARD.code, volunteerName: 'Lan', enrolledAt: '2026-12-01T00:00:00.000Z' });
  const signing = await newSigningKey();
  await setSigningKey(db, { ...signing, deviceId: '5f0c9a3e-8a51-4b7e-9d1f-0a2b3c4d5e6f', registered: 'yes' });
  return { ward, signing };
}

describe('rescue export', () => {
  it('holds waiting and held records and the drafts, sealed, signed, and changes nothing', async () => {
    const { ward, signing } = await enrolled();
    const a = await saveHousehold(db, surveyedHousehold());
    const b = await saveHousehold(db, notHomeHousehold('14'));
    const synced = await saveHousehold(db, notHomeHousehold('16'));
    if (!a.ok || !b.ok || !synced.ok) throw new Error(`save failed: ${JSON.stringify([a, b, synced].filter((r) => !r.ok))}`);
    await db.outbox.where('recordId').equals(synced.record.id).delete(); // sent already
    await db.outbox.where('recordId').equals(b.record.id).modify({ state: 'held' }); // refused, waiting for the volunteer
    await saveDraft(db, { id: crypto.randomUUID(), form: { houseNumber: '9', street: 'Lê Lợi', members: [] }, step: 'address', searchText: '9 le loi' });
    const before = { outbox: await db.outbox.toArray(), drafts: await db.drafts.toArray(), records: await db.records.count() };

    expect(await rescueContents(db)).toEqual({ households: 2, assistances: 0, drafts: 1, keyRegistered: 'yes' });
    const built = await buildRescueFile(db, new Date('2026-12-03T10:00:00.000Z'));
    if (!built.ok) throw new Error(built.problem);
    expect(built.fileName).toBe('go-cua-10546-5f0c9a3e-2026-12-03.gocua.json');
    expect(built.file.envelope).toMatchObject({ wardCode: '10546', records: 2, drafts: 1, createdAt: '2026-12-03T10:00:00.000Z' });
    expect(built.text).not.toContain('Lê Lợi');
    expect(await verifyRescueFile(signing.publicKey, JSON.parse(built.text))).toBe(true);

    const opened = await openBound([ward], rescueInfoText('10546'), rescueAadText(built.file.envelope), built.file.sealed);
    if (!opened.ok) throw new Error('did not open');
    const payload = JSON.parse(opened.text) as { records: { id: string }[]; drafts: { form: { street: string } }[] };
    expect(payload.records.map((r) => r.id).sort()).toEqual([a.record.id, b.record.id].sort());
    expect(payload.records.find((r) => r.id === a.record.id)).toEqual(a.record);
    expect(payload.drafts[0]!.form.street).toBe('Lê Lợi');
    // Not an outbox record: the outbox's info does not open it.
    expect((await openText([ward], '10546', a.record.id, 1, built.file.sealed)).ok).toBe(false);

    expect({ outbox: await db.outbox.toArray(), drafts: await db.drafts.toArray(), records: await db.records.count() }).toEqual(before);
  });

  it('says what is missing instead of making a file that would be refused', async () => {
    expect(await buildRescueFile(db)).toEqual({ ok: false, problem: 'not_enrolled' });
    await setDevice(db, { deviceId: '5f0c9a3e-8a51-4b7e-9d1f-0a2b3c4d5e6f', token: 't', wardCode: '10546', volunteerName: 'Lan', enrolledAt: '2026-12-01T00:00:00.000Z' });
    expect(await buildRescueFile(db)).toEqual({ ok: false, problem: 'no_sealing_key' });
    const ward = await generateSealingKeyPair();
    await setMeta(db, META_KEYS.wardConfig, { ...DEMO_WARD, sealingKey: { suite: ward.suite, kid: ward.kid, publicKey: ward.publicKey } });
    expect(await buildRescueFile(db)).toEqual({ ok: false, problem: 'no_signing_key' });
    expect((await rescueContents(db)) as { keyRegistered: string }).toMatchObject({ keyRegistered: 'none' });
  });
});
