// The audit log's hash chain (issue 12 point 5), on every storage backend: entries chain per
// ward; an UPDATE of a row's detail or time, a removed row and a row inserted with a made-up
// hash are found by verifyAuditChain (and by `admin audit-verify`); the append-only trigger
// refuses UPDATE and DELETE; rows from before the chain are chained at start; 50 audited
// requests at once leave one unbroken chain; the request's client IP is recorded.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { openServerDb } from '../../src/server/db/connect.js';
import { migrations } from '../../src/server/db/migrations/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChainHead, auditChainHeads, sealAuditChains, verifyAuditChain, writeAudit } from '../../src/server/services/audit.js';
import { get, household, signIn, syncAll } from '../helpers/dashboard.js';
import { OTHER_WARD, WARD } from '../helpers/records.js';
import { backends } from '../helpers/server-db.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const actor = (wardCode: string) => ({ userId: 'u-test', username: 'test.actor', wardCode });

describe.each(backends)('audit chain on $name', (backend) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(backend, { trustProxy: 1 });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** The attacker of these tests can write SQL as the table's owner: the trigger is no obstacle. */
  async function withoutTrigger(work: () => Promise<unknown>): Promise<void> {
    const db = t.db.db;
    if (t.db.dialect === 'postgres') {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db);
      try {
        await work();
      } finally {
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db);
      }
    } else {
      await sql`drop trigger audit_log_no_update`.execute(db);
      await sql`drop trigger audit_log_no_delete`.execute(db);
      try {
        await work();
      } finally {
        await sql`create trigger audit_log_no_update before update on audit_log when old.hash is not null begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      }
    }
  }

  async function freshWard(n: number): Promise<string> {
    // A chain of its own (ward codes are plain text in audit_log) so each case starts clean.
    const ward = `T${randomUUID().slice(0, 8)}`;
    for (let i = 1; i <= n; i++) await writeAudit(t.db.db, actor(ward), 'config.settings', ward, { old: { i }, new: { i: i + 1 } }, new Date(Date.UTC(2026, 10, i)));
    return ward;
  }

  it('chains entries per ward: seq from 1, each prev_hash the hash before; verify is ok', async () => {
    const ward = await freshWard(5);
    const rows = await t.db.db.selectFrom('audit_log').selectAll().where('ward_code', '=', ward).orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prev_hash).toBe('');
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash ?? ''))).toBe(true);
    const check = await verifyAuditChain(t.db.db, ward);
    expect(check).toEqual({ ok: true, entries: 5, head: { wardCode: ward, seq: 5, hash: rows[4]!.hash } });
    expect(await auditChainHead(t.db.db, ward)).toEqual(check.head);
    expect(await auditChainHeads(t.db.db)).toContainEqual(check.head);
  });

  it('the append-only trigger refuses UPDATE and DELETE of a chained entry', async () => {
    const ward = await freshWard(2);
    await expect(t.db.db.updateTable('audit_log').set({ detail: '{}' }).where('ward_code', '=', ward).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.db.deleteFrom('audit_log').where('ward_code', '=', ward).execute()).rejects.toThrow(/append-only/);
    if (t.db.dialect === 'postgres') await expect(sql`truncate audit_log`.execute(t.db.db)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(t.db.db, ward)).ok).toBe(true);
  });

  it('finds a changed detail, a changed time, a removed entry and a forged insert: the first broken seq', async () => {
    const detail = await freshWard(6);
    await withoutTrigger(() => t.db.db.updateTable('audit_log').set({ detail: JSON.stringify({ old: { i: 3 }, new: { i: 99 } }) }).where('ward_code', '=', detail).where('seq', '=', 3).execute());
    expect(await verifyAuditChain(t.db.db, detail)).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch', entries: 6 });

    const at = await freshWard(6);
    await withoutTrigger(() => t.db.db.updateTable('audit_log').set({ at: '2020-01-01T00:00:00.000Z' }).where('ward_code', '=', at).where('seq', '=', 4).execute());
    expect(await verifyAuditChain(t.db.db, at)).toMatchObject({ ok: false, brokenAt: 4, reason: 'hash_mismatch' });

    const removed = await freshWard(6);
    await withoutTrigger(() => t.db.db.deleteFrom('audit_log').where('ward_code', '=', removed).where('seq', '=', 2).execute());
    expect(await verifyAuditChain(t.db.db, removed)).toMatchObject({ ok: false, brokenAt: 2, reason: 'seq_gap', entries: 5 });

    // Renumbering after the removal does not help: the next entry's prev_hash names the removed one.
    const renumbered = await freshWard(4);
    await withoutTrigger(async () => {
      await t.db.db.deleteFrom('audit_log').where('ward_code', '=', renumbered).where('seq', '=', 2).execute();
      await t.db.db.updateTable('audit_log').set((eb) => ({ seq: eb('seq', '-', 1) })).where('ward_code', '=', renumbered).where('seq', '=', 3).execute();
      await t.db.db.updateTable('audit_log').set((eb) => ({ seq: eb('seq', '-', 1) })).where('ward_code', '=', renumbered).where('seq', '=', 4).execute();
    });
    expect(await verifyAuditChain(t.db.db, renumbered)).toMatchObject({ ok: false, brokenAt: 2, reason: 'prev_hash_mismatch' });

    // A row appended by SQL with a plausible hash: without the key it cannot be right.
    const forged = await freshWard(3);
    const head = await auditChainHead(t.db.db, forged);
    await t.db.db
      .insertInto('audit_log')
      .values({ id: randomUUID(), ward_code: forged, seq: 4, at: new Date().toISOString(), actor_id: 'x', actor_name: 'x', action: 'config.targets', target: null, detail: '{}', prev_hash: head.hash, hash: 'a'.repeat(64), ip: null, user_agent: null })
      .execute();
    expect(await verifyAuditChain(t.db.db, forged)).toMatchObject({ ok: false, brokenAt: 4, reason: 'hash_mismatch' });

    // The CLI says the same, with a non-zero exit, and prints the head.
    const cli = runAdmin(['audit-verify', '--ward', detail], t.env);
    expect(cli.code, cli.stderr).toBe(3);
    expect(cli.stdout).toMatch(new RegExp(`^BROKEN\\t${detail}\\tseq=3\\thash_mismatch\\thead seq=6 hash=[0-9a-f]{64}\\n$`));
    const good = await freshWard(2);
    const ok = runAdmin(['audit-verify', '--ward', good], t.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^OK\\t${good}\\t2 entries\\thead seq=2 hash=[0-9a-f]{64}\\n$`));
  }, 120_000);

  it('rows from before the chain are chained at start, after the head, in (at, id) order', async () => {
    const ward = await freshWard(2);
    // Shaped as an older build wrote them: no seq, no hash.
    const legacy = [
      { id: randomUUID(), at: '2026-12-02T00:00:02.000Z' },
      { id: randomUUID(), at: '2026-12-02T00:00:01.000Z' },
    ];
    for (const l of legacy) {
      await t.db.db.insertInto('audit_log').values({ ...l, ward_code: ward, actor_id: 'old', actor_name: 'old', action: 'household.view', target: 'r1', detail: '{}' }).execute();
    }
    expect(await verifyAuditChain(t.db.db, ward)).toMatchObject({ ok: false, reason: 'unchained_rows', brokenAt: 3 });
    expect(await sealAuditChains(t.db.db)).toBe(2);
    const rows = await t.db.db.selectFrom('audit_log').select(['id', 'seq']).where('ward_code', '=', ward).orderBy('seq').execute();
    expect(rows.slice(2).map((r) => r.id)).toEqual([legacy[1]!.id, legacy[0]!.id]);
    expect(await verifyAuditChain(t.db.db, ward)).toMatchObject({ ok: true, entries: 4 });
  });

  it('50 audited requests at once leave one unbroken chain, each entry with its client IP', async () => {
    const admin = await signIn(t, WARD, 'ward_admin');
    const device = await t.enrol(WARD);
    const h = household({});
    await syncAll(t, device.token, [h]);
    const before = await auditChainHead(t.db.db, WARD);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => get(t, admin.token, `/api/v1/wards/${WARD}/households/${h.id}`, { 'x-forwarded-for': `203.0.113.${i + 1}`, 'user-agent': `probe/${i}` })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
    const check = await verifyAuditChain(t.db.db, WARD);
    expect(check).toMatchObject({ ok: true, head: { seq: before.seq + 50 } });
    const views = await t.db.db.selectFrom('audit_log').select(['seq', 'ip', 'user_agent']).where('ward_code', '=', WARD).where('seq', '>', before.seq).execute();
    expect(new Set(views.map((v) => Number(v.seq))).size).toBe(50);
    expect(new Set(views.map((v) => v.ip))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `203.0.113.${i + 1}`)));
    expect(views.every((v) => v.user_agent?.startsWith('probe/'))).toBe(true);
    // Another ward's chain is its own.
    expect((await verifyAuditChain(t.db.db, OTHER_WARD)).ok).toBe(true);
  }, 60_000);

  it('the viewer: admin only, filtered and paged newest first, verify, CSV with the chain head; both audited', async () => {
    const admin = await signIn(t, WARD, 'ward_admin');
    const staffer = await signIn(t, WARD);
    expect((await get(t, staffer.token, `/api/v1/wards/${WARD}/audit`)).statusCode).toBe(403);
    const page1 = (await get(t, admin.token, `/api/v1/wards/${WARD}/audit?action=household.view&limit=20`)).json();
    expect(page1.entries).toHaveLength(20);
    expect(page1.entries.every((e: { action: string }) => e.action === 'household.view')).toBe(true);
    const page2 = (await get(t, admin.token, `/api/v1/wards/${WARD}/audit?action=household.view&limit=20&before=${page1.nextBefore}`)).json();
    expect(page2.entries[0].seq).toBeLessThan(page1.entries[19].seq);
    expect(page1.actors).toContainEqual({ actorId: admin.userId, actorName: admin.username });
    const mine = (await get(t, admin.token, `/api/v1/wards/${WARD}/audit?actor=${admin.userId}`)).json();
    expect(mine.entries.every((e: { actorId: string }) => e.actorId === admin.userId)).toBe(true);
    expect((await get(t, admin.token, `/api/v1/wards/${WARD}/audit?from=2000-01-01&to=2000-01-02`)).json().entries).toEqual([]);
    expect((await get(t, admin.token, `/api/v1/wards/${WARD}/audit?from=yesterday`)).statusCode).toBe(400);
    expect((await get(t, admin.token, `/api/v1/wards/${WARD}/audit?limit=5000`)).statusCode).toBe(400);

    const verify = (await get(t, admin.token, `/api/v1/wards/${WARD}/audit/verify`)).json();
    expect(verify).toMatchObject({ ok: true, head: { wardCode: WARD } });

    const csv = await get(t, admin.token, `/api/v1/wards/${WARD}/audit/export.csv?action=household.view`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor_id,actor_name,action,target,detail,ip,user_agent');
    const head = await auditChainHead(t.db.db, WARD);
    expect(lines[lines.length - 1]).toBe(`audit-chain ${WARD} seq=${head.seq} hash=${head.hash}`);

    // Every export names the chain head after its own entry.
    const exportCsv = await get(t, staffer.token, `/api/v1/wards/${WARD}/export.csv?year=2026&asOf=2026-11-30`);
    const afterCsv = await auditChainHead(t.db.db, WARD);
    expect(exportCsv.body.trimEnd().split('\r\n').pop()).toBe(`audit-chain ${WARD} seq=${afterCsv.seq} hash=${afterCsv.hash}`);
    const report = await get(t, staffer.token, `/api/v1/wards/${WARD}/report?year=2026&asOf=2026-11-30`);
    expect(report.body).toContain(`audit-chain ${WARD} seq=${afterCsv.seq + 1} hash=`);
    const helpCsv = await get(t, staffer.token, `/api/v1/wards/${WARD}/assistances/export.csv`);
    const afterHelp = await auditChainHead(t.db.db, WARD);
    expect(helpCsv.body).toContain(`audit-chain ${WARD} seq=${afterHelp.seq} hash=${afterHelp.hash}`);
    const audited = await t.db.db.selectFrom('audit_log').select('action').where('ward_code', '=', WARD).where('action', 'in', ['audit.view', 'audit.export']).execute();
    expect(audited.filter((a) => a.action === 'audit.export')).toHaveLength(1);
    expect(audited.filter((a) => a.action === 'audit.view').length).toBeGreaterThanOrEqual(4);
  });
});

describe.each(backends)('upgrading to the audit chain on $name', (backend) => {
  it('an audit log written before the chain is chained at the next start, in (at, id) order, and verifies', async () => {
    const opened = await backend.open();
    try {
      const db = opened.server.db;
      // Back to the schema before the chain, as an older build left it, with its entries: the
      // chain migration's own down (a later migration is not reversible), and the later
      // migrations forgotten so the next start runs them again in order (they are idempotent).
      await migrations['20261203T103000-audit-chain']!.down!(db as Kysely<unknown>);
      const later = Object.keys(migrations).filter((name) => name >= '20261203T103000-audit-chain');
      await sql`delete from kysely_migration where name in (${sql.join(later)})`.execute(db);
      const old = [
        { id: 'b', at: '2026-11-02T00:00:00.000Z' },
        { id: 'a', at: '2026-11-02T00:00:00.000Z' },
        { id: 'c', at: '2026-11-01T00:00:00.000Z' },
      ];
      for (const o of old) {
        await sql`insert into audit_log (id, ward_code, at, actor_id, actor_name, action, target, detail) values (${o.id}, ${WARD}, ${o.at}, 'u1', 'can.bo', 'household.view', 'r1', '{"rev":1}')`.execute(db);
      }
      // The next start (a second handle; the first stays idle until cleanup): the migration runs,
      // then the rows are chained with the data folder's key.
      const reopened = await openServerDb({ databaseUrl: opened.env.DATABASE_URL, dataDir: opened.env.DATA_DIR });
      try {
        const rows = await reopened.db.selectFrom('audit_log').select(['id', 'seq']).where('ward_code', '=', WARD).orderBy('seq').execute();
        expect(rows).toEqual([
          { id: 'c', seq: 1 },
          { id: 'a', seq: 2 },
          { id: 'b', seq: 3 },
        ]);
        expect(await verifyAuditChain(reopened.db, WARD)).toMatchObject({ ok: true, entries: 3 });
        // A later start finds nothing to chain; new entries follow on.
        expect(await sealAuditChains(reopened.db)).toBe(0);
        await writeAudit(reopened.db, actor(WARD), 'audit.view', WARD, {});
        expect(await verifyAuditChain(reopened.db, WARD)).toMatchObject({ ok: true, entries: 4, head: { seq: 4 } });
      } finally {
        await reopened.close();
      }
    } finally {
      await opened.cleanup();
    }
  }, 60_000);
});
