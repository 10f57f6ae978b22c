// The whole team's follow-up list on the ward dashboard (GET …/follow-ups) through the real
// sync endpoint, on every storage backend: a not-home household, a member who wants help and a
// help not done are listed under their tổ dân phố; a later done help clears the member's item;
// practice and voided records never count; staff of another ward get 403.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, OTHER_WARD, WARD } from '../helpers/records.js';
import { get, household, member, signIn } from '../helpers/dashboard.js';
import { validAssistance } from '../helpers/assistance-fixtures.js';
import type { Loose } from '../helpers/household-fixtures.js';

function assist(over: { groupCode: string; outcome: string; reason?: string; helpedAt: string; link?: { householdId: string; memberId: string } }): Loose {
  const r = validAssistance();
  r.id = randomUUID();
  r.data.groupCode = over.groupCode;
  r.data.kinds = ['install_vneid'];
  r.data.outcome = over.outcome;
  if (over.reason) r.data.reason = over.reason;
  r.data.helpedAt = over.helpedAt;
  r.clientUpdatedAt = over.helpedAt;
  if (over.link) r.data.household = over.link;
  else delete r.data.household;
  return r;
}

interface Item {
  kind: string;
  recordId: string;
  memberId?: string;
  why: string[];
  since: string;
  days: number;
}
interface Body {
  wardCode: string;
  total: number;
  groups: { groupCode: string | null; groupName: string | null; items: Item[] }[];
}

describe.each(backends)('ward follow-up list on $name', (backend) => {
  let t: TestServer;
  let token: string;
  let staffToken: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    ({ token } = await t.enrol());
    ({ token: staffToken } = await signIn(t, WARD));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const list = async (): Promise<Body> => {
    const res = await get(t, staffToken, `/api/v1/wards/${WARD}/follow-ups`);
    expect(res.statusCode).toBe(200);
    return res.json() as Body;
  };
  const accepted = async (records: unknown[]) => {
    const res = await t.sync(token, batch(records));
    expect(res.statusCode).toBe(200);
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(records.map(() => 'accepted'));
  };

  const asker = member(1950, { vneid: 'none', wantsHelp: ['vneid_install'] });
  const surveyed = household({ groupCode: 'TDP02', members: [asker], surveyedAt: '2026-11-18' });
  const notHome = household({ groupCode: 'TDP01', outcome: 'not_home', surveyedAt: '2026-11-19' });
  const notDone = assist({ groupCode: 'TDP03', outcome: 'not_done', reason: 'no_smartphone', helpedAt: '2026-11-20T02:00:00.000Z' });

  const practiceHelp = assist({ groupCode: 'TDP03', outcome: 'not_done', reason: 'no_smartphone', helpedAt: '2026-11-20T03:00:00.000Z' });
  practiceHelp.data.practice = true;

  it('lists the not-home household, the member who wants help and the help not done under their groups', async () => {
    expect((await list()).total).toBe(0);
    await accepted([
      notHome,
      surveyed,
      notDone,
      // Never on the list: a practice not-home visit, a voided one, a practice failed help.
      household({ groupCode: 'TDP01', outcome: 'not_home', practice: true }),
      household({ groupCode: 'TDP01', outcome: 'not_home', voided: true }),
      practiceHelp,
    ]);
    const body = await list();
    expect(body.wardCode).toBe(WARD);
    expect(body.total).toBe(3);
    expect(body.groups.map((g) => [g.groupCode, g.groupName, g.items.length])).toEqual([
      ['TDP01', 'Tổ dân phố số 1', 1],
      ['TDP02', 'Tổ dân phố số 2', 1],
      ['TDP03', 'Tổ dân phố số 3', 1],
    ]);
    const [g1, g2, g3] = body.groups;
    expect(g1!.items[0]).toMatchObject({ kind: 'revisit', recordId: notHome.id, why: ['not_home'] });
    expect(g2!.items[0]).toMatchObject({ kind: 'member_help', recordId: surveyed.id, memberId: asker.id, why: ['vneid_install'] });
    expect(g3!.items[0]).toMatchObject({ kind: 'assistance', recordId: notDone.id, why: ['not_done', 'no_smartphone'], since: '2026-11-20T02:00:00.000Z' });
    expect(g3!.items[0]!.days).toBeGreaterThanOrEqual(0);
  });

  it('drops the member once a later done help linked to them is synced', async () => {
    const done = assist({ groupCode: 'TDP02', outcome: 'done', helpedAt: '2026-11-21T02:00:00.000Z', link: { householdId: surveyed.id, memberId: asker.id } });
    await accepted([done]);
    const body = await list();
    expect(body.total).toBe(2);
    expect(body.groups.map((g) => g.groupCode)).toEqual(['TDP01', 'TDP03']);
    expect(body.groups.flatMap((g) => g.items).some((i) => i.memberId === asker.id)).toBe(false);
  });

  it('is for ward staff of the ward only', async () => {
    expect((await get(t, null, `/api/v1/wards/${WARD}/follow-ups`)).statusCode).toBe(401);
    expect((await get(t, token, `/api/v1/wards/${WARD}/follow-ups`)).statusCode).toBe(403);
    const other = await signIn(t, OTHER_WARD);
    const res = await get(t, other.token, `/api/v1/wards/${WARD}/follow-ups`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBeTypeOf('string');
  });
});
