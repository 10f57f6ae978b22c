// Issue 12, point 6: an assisted person's name and phone are kept only with their recorded
// consent (assistance record version 2, src/shared/schema/assistance.ts). Version 1 recorded no
// consent, so this migration rewrites every stored assistance of version 1 — in record_revisions
// and in conflicts — to version 2 without `person.name` and `person.phone`, and recomputes the
// content hash (sha256 of the body, base64url). The body keeps the shape the server stores (the
// parsed record, keys in the same order), so a phone on the old build retrying a v1 rev it sent
// before is still a `duplicate`: both sides are compared after parse + migrate (decide-status.ts).
//
// It also gives each stored ward configuration that has none an assistance consent notice
// (purpose 'assistance'): wards are seeded once and never overwritten (services/wards.ts), so
// without this an existing ward could never record consent, and no name or phone could be kept.
//
// Written out here rather than read from the live schema: a migration is never edited and must do
// the same thing next year. Idempotent: bodies already at version 2 and wards that have an
// assistance notice are left alone. The flattened `assistances` table holds no name or phone.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body at version 2 without name and phone, or null when it needs no change. */
export function assistanceBodyToV2(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(parsed) || parsed.kind !== 'assistance' || parsed.schemaVersion !== 1) return null;
  const out: Record<string, unknown> = {};
  // Key order kept (the envelope as stored), only the version and the person change.
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'schemaVersion') out[key] = 2;
    else if (key === 'data' && isObject(value) && isObject(value.person)) {
      const { name: _name, phone: _phone, ...person } = value.person;
      out[key] = { ...value, person };
    } else out[key] = value;
  }
  return JSON.stringify(out);
}

export const ASSISTANCE_NOTICE_VERSION = '2026-12';

/**
 * The assistance notice for a ward, as the seeds carry it (tests/unit/seeds.test.ts checks they
 * match): purpose, controller, what is kept and why, that it is optional, for how long, rights.
 */
export function assistanceNotice(wardName: string, retentionMonths: number): { version: string; purpose: 'assistance'; text: { vi: string; en: string } } {
  const short = wardName.replace(/^Phường /, '');
  return {
    version: ASSISTANCE_NOTICE_VERSION,
    purpose: 'assistance',
    text: {
      vi:
        `Ủy ban nhân dân phường ${short} là bên kiểm soát dữ liệu của việc hỗ trợ này. ` +
        'Mục đích: lưu họ tên và số điện thoại của ông/bà cùng với việc đã hỗ trợ, để liên hệ lại khi việc chưa xong hoặc ông/bà cần hỗ trợ thêm. ' +
        'Việc này không bắt buộc: nếu ông/bà không đồng ý, chúng tôi vẫn hỗ trợ như thường và chỉ ghi năm sinh và việc đã làm. ' +
        'Chúng tôi không bao giờ hỏi mật khẩu, mã OTP hay mã passcode. ' +
        `Họ tên và số điện thoại được lưu không quá ${retentionMonths} tháng, sau đó bị xóa; chỉ giữ số liệu tổng hợp. ` +
        'Theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP, ông/bà có quyền rút lại sự đồng ý bất cứ lúc nào (khi đó họ tên và số điện thoại bị xóa), xem, yêu cầu sửa hoặc xóa thông tin của mình, và khiếu nại. ' +
        `Liên hệ: Phòng Văn hóa – Xã hội, Ủy ban nhân dân phường ${short}. ` +
        'Ông/bà có đồng ý để lưu họ tên và số điện thoại không?',
      en:
        `The People's Committee of ${short} ward (UBND phường ${short}) is the controller of this data. ` +
        'Purpose: to keep your name and phone number with the help you were given, so that the team can contact you again if the help is not finished or you need more. ' +
        'It is optional: if you do not agree, you are helped just the same and only your year of birth and what was done are recorded. ' +
        'We never ask for passwords, OTP codes or passcodes. ' +
        `Your name and phone number are kept for at most ${retentionMonths} months, then erased; only totals remain. ` +
        'Under the Law on Personal Data Protection No. 91/2025/QH15 and Decree No. 356/2025/NĐ-CP you may withdraw your consent at any time (your name and phone number are then erased), see, correct or erase your information, and complain. ' +
        `Contact: the Culture and Society Office (Phòng Văn hóa – Xã hội), UBND phường ${short}. ` +
        'Do you agree that your name and phone number are kept?',
    },
  };
}

/** The configuration with an assistance notice added, or null when it has one (or is not readable). */
export function withAssistanceNotice(configJson: string): string | null {
  let config: unknown;
  try {
    config = JSON.parse(configJson);
  } catch {
    return null;
  }
  if (!isObject(config) || !Array.isArray(config.consentNotices) || typeof config.name !== 'string') return null;
  if (config.consentNotices.some((n) => isObject(n) && n.purpose === 'assistance')) return null;
  const settings = isObject(config.settings) ? config.settings : {};
  const months = typeof settings.retentionMonths === 'number' ? settings.retentionMonths : 36;
  const notices = config.consentNotices.map((n) => (isObject(n) && n.purpose === undefined ? { ...n, purpose: 'survey' } : n));
  return JSON.stringify({
    ...config,
    consentNotices: [...notices, assistanceNotice(config.name, months)],
    currentAssistanceNoticeVersion: ASSISTANCE_NOTICE_VERSION,
  });
}

const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

const PAGE = 500;

// Tables untyped here on purpose: a migration sees the schema as it was, not the code's types.
export async function up(db: Kysely<any>): Promise<void> {
  // record_revisions of assistances, paged by the primary key (record_id, rev).
  let after: { id: string; rev: number } | null = null;
  for (;;) {
    let q = db
      .selectFrom('record_revisions')
      .select(['record_id', 'rev', 'body'])
      .where('kind', '=', 'assistance')
      .where('schema_version', '=', 1)
      .orderBy('record_id')
      .orderBy('rev')
      .limit(PAGE);
    if (after) {
      const a = after;
      q = q.where((eb: any) => eb.or([eb('record_id', '>', a.id), eb.and([eb('record_id', '=', a.id), eb('rev', '>', a.rev)])]));
    }
    const rows: { record_id: string; rev: number; body: string }[] = await q.execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const body = assistanceBodyToV2(row.body);
      // A v1 row whose body cannot be read keeps its version: nothing here can judge it.
      if (body === null) continue;
      await db
        .updateTable('record_revisions')
        .set({ body, content_hash: hash(body), schema_version: 2 })
        .where('record_id', '=', row.record_id)
        .where('rev', '=', row.rev)
        .execute();
    }
    const last = rows[rows.length - 1]!;
    after = { id: last.record_id, rev: Number(last.rev) };
  }

  // conflicts hold no kind column: every body is read. Two conflicts that differed only in the
  // name or phone become the same content; (record_id, rev, content_hash) is unique, so the
  // second one is dropped.
  let afterId: string | null = null;
  for (;;) {
    let q = db.selectFrom('conflicts').select(['id', 'record_id', 'rev', 'body']).orderBy('id').limit(PAGE);
    if (afterId !== null) q = q.where('id', '>', afterId);
    const rows: { id: string; record_id: string; rev: number; body: string }[] = await q.execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const body = assistanceBodyToV2(row.body);
      if (body === null) continue;
      const contentHash = hash(body);
      const twin = await db
        .selectFrom('conflicts')
        .select('id')
        .where('record_id', '=', row.record_id)
        .where('rev', '=', row.rev)
        .where('content_hash', '=', contentHash)
        .where('id', '!=', row.id)
        .executeTakeFirst();
      if (twin) await db.deleteFrom('conflicts').where('id', '=', row.id).execute();
      else await db.updateTable('conflicts').set({ body, content_hash: contentHash }).where('id', '=', row.id).execute();
    }
    afterId = rows[rows.length - 1]!.id;
  }

  const wards: { code: string; config_json: string }[] = await db.selectFrom('wards').select(['code', 'config_json']).execute();
  for (const ward of wards) {
    const config = withAssistanceNotice(ward.config_json);
    if (config !== null) await db.updateTable('wards').set({ config_json: config }).where('code', '=', ward.code).execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('Erased names and phones cannot be restored: this migration is not reversible.');
}
