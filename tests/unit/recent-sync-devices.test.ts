// Which sync batches count as alone (services/recent-sync-devices.ts): one device seen within the
// window, none of whose own requests overlapped within it.
import { describe, expect, it } from 'vitest';
import { RecentSyncDevices } from '../../src/server/services/recent-sync-devices.js';

describe('recent sync devices', () => {
  it('counts the devices seen within the window', () => {
    const devices = new RecentSyncDevices(1000);
    expect(devices.alone('a', 0)).toBe(true);
    expect(devices.alone('a', 500)).toBe(true);
    expect(devices.alone('b', 900)).toBe(false);
    expect(devices.alone('b', 1600)).toBe(true); // a last seen at 500: gone
    expect(devices.alone('c', 1700)).toBe(false);
    expect(devices.alone('c', 5000)).toBe(true);
  });

  it('takes a device with two requests open at once as not alone, for the window after the overlap', () => {
    const devices = new RecentSyncDevices(1000);
    const first = devices.opened('a', 0);
    expect(devices.alone('a', 1)).toBe(true);
    const second = devices.opened('a', 10);
    expect(devices.openRequests('a')).toBe(2);
    first();
    expect(devices.alone('a', 20)).toBe(false); // the second, prepared while the first was open
    second();
    expect(devices.openRequests('a')).toBe(0);
    // One request at a time again: still not alone within the window after the overlap...
    devices.opened('a', 500)();
    expect(devices.alone('a', 500)).toBe(false);
    // ...alone after it.
    devices.opened('a', 1011)();
    expect(devices.alone('a', 1011)).toBe(true);
  });

  it('renews the overlap while requests stay open together', () => {
    const devices = new RecentSyncDevices(1000);
    const first = devices.opened('a', 0);
    const second = devices.opened('a', 5);
    // Still two open when the batch is decided, long after they began: an overlap now.
    expect(devices.alone('a', 2000)).toBe(false);
    first();
    second();
    expect(devices.alone('a', 2500)).toBe(false);
    expect(devices.alone('a', 3001)).toBe(true);
  });

  it("keeps each device's overlap to itself", () => {
    const devices = new RecentSyncDevices(1000);
    devices.opened('a', 0);
    devices.opened('a', 0);
    expect(devices.alone('a', 0)).toBe(false);
    expect(devices.alone('b', 2000)).toBe(true);
  });

  it('ends a request once however often its end is called, never counting below zero', () => {
    const devices = new RecentSyncDevices(1000);
    const first = devices.opened('a', 0);
    const second = devices.opened('a', 0);
    first();
    first();
    first();
    expect(devices.openRequests('a')).toBe(1);
    second();
    second();
    expect(devices.openRequests('a')).toBe(0);
    const third = devices.opened('a', 5000);
    expect(devices.openRequests('a')).toBe(1);
    expect(devices.alone('a', 5000)).toBe(true);
    third();
  });
});
