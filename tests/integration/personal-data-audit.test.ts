// "Every personal-data route leaves an audit entry; a new such route without one fails a test"
// (issue 12, Tests). A ward is seeded with households and an assistance whose names, phones,
// CCCD, address and notes are unique marker strings. Then EVERY GET route the server registers
// (registeredRoutes, so a route added later is called too) is called as the ward admin with
// real ids filled in: when the answer contains a marker, or is a file download, the ward's
// audit chain must have grown by an entry of that admin for that request. And no audit entry
// may contain a marker: entries hold ids and field paths, never personal values.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/server/app.js';
import { auditChainHead, provinceChain } from '../../src/server/services/audit.js';
import { validAssistance } from '../helpers/assistance-fixtures.js';
import { get, household, member, signIn, signInCity, syncAll } from '../helpers/dashboard.js';
import { batch, WARD } from '../helpers/records.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const tag = randomUUID().replace(/\D/g, '').padEnd(16, '7');
const MARKERS = {
  headName: 'Quảng Markerhead Xyzw',
  memberName: 'Lữ Markermember Qvbn',
  phone: `09${tag.slice(0, 8)}`,
  cccd: `0791${tag.slice(8, 16)}`,
  houseNumber: 'Kiệt Markerhouse 7',
  street: 'Đường Markerstreet Jklq',
  note: 'Ghi chú Markernote Pqrs',
  wantsHelpNote: 'Markerhelpnote Zzyx',
  assistanceName: 'Đoàn Markerhelped Wvut',
  assistancePhone: `08${tag.slice(4, 12)}`,
};
const markerValues = Object.values(MARKERS);

/**
 * Values for route parameters. A route with another parameter fails the test until one is
 * given here, so a new route is never skipped silently.
 */
function paramsFor(ids: { household: string; request: string }, url: string): Record<string, string> {
  // A personal-data request's routes take the request's id (one linked to the household).
  if (url.includes('/data-requests/')) return { code: WARD, id: ids.request };
  // The city roll-up: the ward's province (Hải Phòng, 31), read by a city admin of it.
  if (url.startsWith('/api/v1/provinces/')) return { province: PROVINCE, code: WARD };
  return { code: WARD, id: ids.household };
}

/**
 * Query strings a route needs to answer 200 (every GET route must answer 2xx here, so a route
 * that needs one cannot pass by answering 400).
 */
const QUERY: Record<string, string> = {
  '/api/v1/wards/:code/export.xlsx': '?year=2026&asOf=2026-11-30',
  '/api/v1/wards/:code/export.csv': '?year=2026&asOf=2026-11-30',
  '/api/v1/wards/:code/report': '?year=2026&asOf=2026-11-30',
  '/api/v1/provinces/:province/rollup.csv': '?year=2026&asOf=2026-11-30',
  '/api/v1/provinces/:province/rollup.xlsx': '?year=2026&asOf=2026-11-30',
  '/api/v1/provinces/:province/report': '?year=2026&asOf=2026-11-30',
  '/api/v1/provinces/:province/wards/:code/export.csv': '?year=2026&asOf=2026-11-30',
};

/** City routes are read by a city admin and audited in the province's chain (issue 15). */
const PROVINCE = '31';
const isCityRoute = (url: string): boolean => url.startsWith('/api/v1/provinces/');

describe.each(backends)('every personal-data GET route is audited, on $name', (backend) => {
  let t: TestServer;
  let admin: { token: string; userId: string };
  let cityAdmin: { token: string; userId: string };
  const ids = { household: '', request: '' };

  beforeAll(async () => {
    t = await startTestServer(backend);
    admin = await signIn(t, WARD, 'ward_admin');
    cityAdmin = await signInCity(t, PROVINCE, 'city_admin');
    const device = await t.enrol(WARD);
    const head = member(1970, { relation: 'head', name: MARKERS.headName, phone: MARKERS.phone, cccd: MARKERS.cccd } as never);
    const asker = member(1950, { name: MARKERS.memberName, wantsHelp: ['vneid_level2'], wantsHelpNote: MARKERS.wantsHelpNote } as never);
    const h = household({ groupCode: 'TDP01', houseNumber: MARKERS.houseNumber, street: MARKERS.street, members: [head, asker] });
    (h.data as { note?: string }).note = MARKERS.note;
    // The same address again: a possible duplicate for the data-quality list.
    const twin = household({ groupCode: 'TDP01', houseNumber: MARKERS.houseNumber, street: MARKERS.street, members: [member(1980, { name: MARKERS.memberName } as never)] });
    const notHome = household({ groupCode: 'TDP01', outcome: 'not_home', houseNumber: MARKERS.houseNumber, street: MARKERS.street });
    await syncAll(t, device.token, [h, twin, notHome]);
    ids.household = h.id;
    const help = validAssistance();
    help.id = randomUUID();
    help.data.person = { name: MARKERS.assistanceName, birthYear: 1950, phone: MARKERS.assistancePhone };
    help.data.household = { householdId: h.id, memberId: asker.id };
    help.data.groupCode = 'TDP01';
    help.data.outcome = 'not_done';
    help.data.reason = 'no_smartphone';
    const res = await t.sync(device.token, batch([help]));
    expect(res.json().results[0].status).toBe('accepted');
    const headers = { authorization: `Bearer ${admin.token}` };
    const created = await t.app.inject({ method: 'POST', url: `/api/v1/wards/${WARD}/data-requests`, headers, payload: { kind: 'access', requester: 'self', identityCheck: 'cccd_seen', receivedOn: '2026-12-04' } });
    ids.request = created.json().id;
    const linked = await t.app.inject({ method: 'PUT', url: `/api/v1/wards/${WARD}/data-requests/${ids.request}/records`, headers, payload: { records: [{ kind: 'member', recordId: h.id, memberId: head.id }] } });
    expect(linked.statusCode).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('the seeded data holds every marker (the test can see personal data when a route returns it)', async () => {
    const res = await get(t, admin.token, `/api/v1/wards/${WARD}/households/${ids.household}`);
    for (const m of [MARKERS.headName, MARKERS.phone, MARKERS.cccd, MARKERS.street, MARKERS.note]) expect(res.body).toContain(m);
  });

  it('each GET route: a marker in the answer, or a file, means one more audit entry by this admin', async () => {
    const routes = registeredRoutes(t.app).filter((r) => r.method === 'GET' && r.url.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(15);
    const personal: string[] = [];
    for (const route of routes) {
      const params = paramsFor(ids, route.url);
      const url = route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`${route.url}: add a value for :${name} to paramsFor()`);
        return value;
      });
      const reader = isCityRoute(route.url) ? cityAdmin : admin;
      const chain = isCityRoute(route.url) ? provinceChain(PROVINCE) : WARD;
      const before = await auditChainHead(t.db.db, chain);
      const res = await get(t, reader.token, url + (QUERY[route.url] ?? ''));
      expect(res.statusCode, `${route.url}: ${res.body.slice(0, 200)} (give it a QUERY entry?)`).toBeLessThan(300);
      const isFile = /attachment/.test(String(res.headers['content-disposition'] ?? ''));
      const shown = markerValues.filter((m) => res.body.includes(m));
      // Every city read is audited (the province log), personal data or not.
      if (!isFile && shown.length === 0 && !isCityRoute(route.url)) continue;
      personal.push(route.url);
      const added = await t.db.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id'])
        .where('ward_code', '=', chain)
        .where('seq', '>', before.seq)
        .execute();
      expect(added.filter((a) => a.actor_id === reader.userId), `${route.url} returned ${isFile ? 'a file' : shown.join(', ')} without an audit entry`).not.toEqual([]);
    }
    // The routes known today to show residents' data: the test did find them.
    for (const url of [
      '/api/v1/wards/:code/households/:id',
      '/api/v1/wards/:code/follow-ups',
      '/api/v1/wards/:code/export.csv',
      '/api/v1/wards/:code/data-requests/:id/export.html',
      '/api/v1/provinces/:province/rollup.csv',
      '/api/v1/provinces/:province/wards/:code/export.csv',
    ]) {
      expect(personal).toContain(url);
    }
  }, 120_000);

  it('no audit entry holds a personal value', async () => {
    const rows = await t.db.db.selectFrom('audit_log').selectAll().execute();
    expect(rows.length).toBeGreaterThan(3);
    const text = JSON.stringify(rows);
    for (const m of markerValues) expect(text, m).not.toContain(m);
  });
});
