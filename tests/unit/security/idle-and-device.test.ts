// The 10-minute idle lock (timers injected: no sleeping) and the device token sealed by the
// non-extractable device key (readable while locked, never stored in clear).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installEncryption } from '../../../src/app/security/at-rest.js';
import { watchIdle } from '../../../src/app/security/idle.js';
import { Keyring } from '../../../src/app/security/lock-state.js';
import { IDLE_LOCK_MS } from '../../../src/app/security/pin-lock.js';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { META_KEYS, setMeta } from '../../../src/app/storage/meta.js';
import { getDevice, markDeviceRevoked, sealDeviceCredentials, setDevice } from '../../../src/app/sync/device-store.js';

describe('idle lock', () => {
  it('fires after 10 minutes without pointer or key input; input restarts the wait', () => {
    expect(IDLE_LOCK_MS).toBe(600_000);
    let now = 0;
    const pending = new Map<number, { fn: () => void; at: number }>();
    let next = 1;
    const timers = {
      set: (fn: () => void, ms: number) => (pending.set(next, { fn, at: now + ms }), next++),
      clear: (h: unknown) => void pending.delete(h as number),
    };
    const advance = (ms: number) => {
      now += ms;
      for (const [h, t] of [...pending]) {
        if (t.at > now) continue;
        pending.delete(h);
        t.fn();
      }
    };
    const target = new EventTarget();
    let idle = 0;
    const stop = watchIdle({ onIdle: () => idle++, target, timers });
    advance(9 * 60_000);
    target.dispatchEvent(new Event('pointerdown'));
    advance(9 * 60_000);
    target.dispatchEvent(new Event('keydown'));
    advance(9 * 60_000);
    expect(idle).toBe(0);
    advance(60_000);
    expect(idle).toBe(1);
    stop();
    target.dispatchEvent(new Event('keydown'));
    advance(20 * 60_000);
    expect(idle).toBe(1);
  });
});

describe('device token', () => {
  let db: GoCuaDb;
  let raw: GoCuaDb;
  let keyring: Keyring;
  const device = { deviceId: 'dev-1', token: 'tok-SECRET-1234567890', wardCode: '10546', volunteerName: 'Vũ Thị Hoa', enrolledAt: '2026-12-01T00:00:00.000Z' };
  beforeEach(() => {
    const name = `dev-${crypto.randomUUID()}`;
    keyring = new Keyring();
    db = installEncryption(new GoCuaDb(name), keyring);
    raw = new GoCuaDb(name);
  });
  afterEach(async () => {
    raw.close();
    await db.delete();
  });

  it('is stored sealed by a non-extractable key and read while the phone is locked', async () => {
    await setDevice(db, device);
    const stored = JSON.stringify(await raw.meta.toArray(), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
    expect(stored).not.toContain('tok-SECRET');
    expect(stored).not.toContain('Vũ Thị Hoa');
    const key = (await raw.meta.get(META_KEYS.deviceKey))?.value as CryptoKey;
    expect(key.extractable).toBe(false);
    expect(keyring.status).toBe('locked');
    expect(await getDevice(db)).toEqual(device);
    await markDeviceRevoked(db, 'another-token', '2026-12-02T00:00:00.000Z');
    expect((await getDevice(db))?.revokedAt).toBeUndefined();
    await markDeviceRevoked(db, device.token, '2026-12-02T00:00:00.000Z');
    expect(await getDevice(db)).toEqual({ ...device, revokedAt: '2026-12-02T00:00:00.000Z' });
  });

  it('seals a token an older build stored in clear', async () => {
    await setMeta(raw, META_KEYS.device, device);
    expect(await getDevice(db)).toEqual(device);
    await sealDeviceCredentials(db);
    expect(JSON.stringify(await raw.meta.get(META_KEYS.device))).not.toContain('tok-SECRET');
    expect(await getDevice(db)).toEqual(device);
  });
});
