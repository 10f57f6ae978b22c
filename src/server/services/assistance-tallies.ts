// Assistance tallies for the ward dashboard (GET …/assistances, …/assistances/export.csv):
// counts by kind, outcome and failure reason, per campaign ("đợt ra quân") and per ISO week of
// the local day of help (Asia/Ho_Chi_Minh), plus how many members moved from no VNeID to level 1
// or 2 after a help. Practice and voided records never count (the latest rev decides).
//
// The rows are filtered in SQL by ward, flags and campaign; the day filter and the counting run
// in JS because helpedAt may carry any UTC offset, which text comparison cannot order, and a
// ward's helps number in the thousands, not millions.
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { ASSISTANCE_KINDS, ASSISTANCE_REASONS } from '../../shared/schema/assistance.js';
import { ASSISTANCE_KIND_NAMES, ASSISTANCE_REASON_NAMES } from '../../shared/domain/assistance-names.js';
import { isoWeek, todayInVietnam } from '../../shared/domain/iso-week.js';
import type { AssistanceTalliesResponse, AssistanceTally, OutcomeCounts } from '../../shared/protocol/dashboard.js';
import type { Database } from '../db/schema.js';
import { csvDocument, type CsvCell } from './csv.js';

export interface AssistanceQuery {
  wardCode: string;
  /** YYYY-MM-DD, local days, inclusive. */
  from?: string;
  to?: string;
  campaign?: string;
}

const emptyOutcomes = (): OutcomeCounts => ({ done: 0, not_done: 0, needs_follow_up: 0 });

function emptyTally(): AssistanceTally {
  return {
    total: 0,
    byOutcome: emptyOutcomes(),
    byKind: Object.fromEntries(ASSISTANCE_KINDS.map((k) => [k, emptyOutcomes()])) as AssistanceTally['byKind'],
    byReason: Object.fromEntries(ASSISTANCE_REASONS.map((r) => [r, 0])) as AssistanceTally['byReason'],
  };
}

interface Row {
  record_id: string;
  outcome: string;
  reason: string | null;
  campaign: string | null;
  helped_at: string;
  household_id: string | null;
  member_id: string | null;
  kinds: string[];
  day: string;
}

function add(t: AssistanceTally, row: Row): void {
  t.total += 1;
  const outcome = row.outcome as keyof OutcomeCounts;
  if (outcome in t.byOutcome) t.byOutcome[outcome] += 1;
  for (const kind of row.kinds) {
    const k = t.byKind[kind as keyof AssistanceTally['byKind']];
    if (k && outcome in k) k[outcome] += 1;
  }
  if (row.reason !== null && row.reason in t.byReason) t.byReason[row.reason as keyof AssistanceTally['byReason']] += 1;
}

const CHUNK = 500;

export async function assistanceTallies(db: Kysely<Database>, q: AssistanceQuery): Promise<AssistanceTalliesResponse> {
  let query = db
    .selectFrom('assistances')
    .select(['record_id', 'outcome', 'reason', 'campaign', 'helped_at', 'household_id', 'member_id'])
    .where('ward_code', '=', q.wardCode)
    .where('practice', '=', 0)
    .where('voided', '=', 0);
  if (q.campaign !== undefined) query = query.where('campaign', '=', q.campaign);
  const rows: Row[] = [];
  for (const r of await query.execute()) {
    const day = todayInVietnam(new Date(r.helped_at));
    if (q.from !== undefined && day < q.from) continue;
    if (q.to !== undefined && day > q.to) continue;
    rows.push({ ...r, kinds: [], day });
  }
  const byId = new Map(rows.map((r) => [r.record_id, r]));
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const kinds = await db
      .selectFrom('assistance_kinds')
      .select(['record_id', 'kind'])
      .where('record_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const k of kinds) byId.get(k.record_id)?.kinds.push(k.kind);
  }

  const total = emptyTally();
  const campaigns = new Map<string | null, AssistanceTally>();
  const weeks = new Map<string, AssistanceTally>();
  for (const row of rows) {
    add(total, row);
    const c = campaigns.get(row.campaign) ?? emptyTally();
    add(c, row);
    campaigns.set(row.campaign, c);
    const w = isoWeek(row.day).label;
    const wt = weeks.get(w) ?? emptyTally();
    add(wt, row);
    weeks.set(w, wt);
  }
  const days = rows.map((r) => r.day).sort();
  const first = q.from ?? days[0];
  const last = q.to ?? days[days.length - 1];
  const weekList: AssistanceTalliesResponse['weeks'] = [];
  if (first !== undefined && last !== undefined && first <= last) {
    let w = isoWeek(first);
    const end = isoWeek(last).start;
    // A long range is bounded (about ten years of weeks) so a silly ?from= cannot run away.
    for (let n = 0; w.start <= end && n < 520; n++) {
      weekList.push({ week: w.label, start: w.start, end: w.end, ...(weeks.get(w.label) ?? emptyTally()) });
      w = isoWeek(new Date(Date.parse(`${w.start}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10));
    }
  }

  return {
    wardCode: q.wardCode,
    from: q.from ?? null,
    to: q.to ?? null,
    campaign: q.campaign ?? null,
    ...total,
    campaigns: [...campaigns.entries()]
      .map(([campaign, t]) => ({ campaign, ...t }))
      .sort((a, b) => b.total - a.total || String(a.campaign ?? '').localeCompare(String(b.campaign ?? ''), 'vi')),
    weeks: weekList,
    vneidMoved: await vneidMoved(db, q.wardCode, rows),
  };
}

type Level = string | undefined;

async function vneidMoved(db: Kysely<Database>, wardCode: string, rows: readonly Row[]): Promise<number> {
  // The earliest help per linked member: a later household rev must be saved at or after it.
  const helps = new Map<string, number>();
  for (const r of rows) {
    if (r.household_id === null || r.member_id === null) continue;
    const key = `${r.household_id}|${r.member_id}`;
    const at = Date.parse(r.helped_at);
    helps.set(key, Math.min(helps.get(key) ?? Infinity, at));
  }
  if (helps.size === 0) return 0;
  const householdIds = [...new Set(rows.filter((r) => r.household_id !== null && r.member_id !== null).map((r) => r.household_id!))];
  // Only households that count today (latest rev neither practice nor voided).
  const live = new Set<string>();
  const revisions: { record_id: string; rev: number; body: string }[] = [];
  for (let i = 0; i < householdIds.length; i += CHUNK) {
    const part = householdIds.slice(i, i + CHUNK);
    const hh = await db
      .selectFrom('households')
      .select('record_id')
      .where('ward_code', '=', wardCode)
      .where('record_id', 'in', part)
      .where('practice', '=', 0)
      .where('voided', '=', 0)
      .execute();
    for (const h of hh) live.add(h.record_id);
    const revs = await db
      .selectFrom('record_revisions')
      .select(['record_id', 'rev', 'body'])
      .where('ward_code', '=', wardCode)
      .where('kind', '=', 'household')
      .where('record_id', 'in', part)
      .execute();
    revisions.push(...revs.map((r) => ({ ...r, rev: Number(r.rev) })));
  }
  revisions.sort((a, b) => a.record_id.localeCompare(b.record_id) || a.rev - b.rev);
  // Per member: has a rev shown none yet (walking revs in order), and did a later one show a level?
  const sawNone = new Set<string>();
  const moved = new Set<string>();
  for (const rev of revisions) {
    if (!live.has(rev.record_id)) continue;
    const record = JSON.parse(rev.body) as { clientUpdatedAt?: string; data?: { members?: { id?: string; vneid?: Level }[] } };
    const savedAt = Date.parse(record.clientUpdatedAt ?? '');
    for (const m of record.data?.members ?? []) {
      const key = `${rev.record_id}|${m.id}`;
      const helpedAt = helps.get(key);
      if (helpedAt === undefined) continue;
      if (m.vneid === 'none') sawNone.add(key);
      else if ((m.vneid === 'level1' || m.vneid === 'level2') && sawNone.has(key) && savedAt >= helpedAt) moved.add(key);
    }
  }
  return moved.size;
}

/** CSV like the indicator export: UTF-8 with BOM, CRLF; Vietnamese headings. */
export function assistanceCsv(t: AssistanceTalliesResponse, labels: { kind: (k: string) => string; reason: (r: string) => string }, auditChain?: string): string {
  const lines: CsvCell[][] = [];
  lines.push([`Hỗ trợ người dân — phường ${t.wardCode}`]);
  lines.push([`Từ ngày: ${t.from ?? '—'}`, `Đến ngày: ${t.to ?? '—'}`, `Đợt ra quân: ${t.campaign ?? 'Tất cả'}`]);
  lines.push([]);
  lines.push(['Loại hỗ trợ', 'Tổng', 'Đã xong', 'Chưa xong', 'Cần quay lại']);
  for (const kind of ASSISTANCE_KINDS) {
    const k = t.byKind[kind];
    lines.push([labels.kind(kind), k.done + k.not_done + k.needs_follow_up, k.done, k.not_done, k.needs_follow_up]);
  }
  lines.push(['Tổng số lượt hỗ trợ', t.total, t.byOutcome.done, t.byOutcome.not_done, t.byOutcome.needs_follow_up]);
  lines.push([]);
  lines.push(['Lý do chưa xong', 'Số lượt']);
  for (const reason of ASSISTANCE_REASONS) lines.push([labels.reason(reason), t.byReason[reason]]);
  lines.push([]);
  lines.push(['Đợt ra quân', 'Tổng', 'Đã xong', 'Chưa xong', 'Cần quay lại']);
  for (const c of t.campaigns) lines.push([c.campaign ?? '(không ghi)', c.total, c.byOutcome.done, c.byOutcome.not_done, c.byOutcome.needs_follow_up]);
  lines.push([]);
  lines.push(['Tuần', 'Từ', 'Đến', 'Tổng', 'Đã xong', 'Chưa xong', 'Cần quay lại']);
  for (const w of t.weeks) lines.push([w.week, w.start, w.end, w.total, w.byOutcome.done, w.byOutcome.not_done, w.byOutcome.needs_follow_up]);
  lines.push([]);
  lines.push(['Thành viên chuyển từ chưa có VNeID lên mức 1/2 sau hỗ trợ', t.vneidMoved]);
  // The ward's audit chain head after this export's entry (services/audit.ts).
  if (auditChain) lines.push([], [auditChain]);
  return csvDocument(lines);
}

/** Sheet names of the XLSX export (tests and other tools read them back); the header is row 4 on each. */
export const ASSISTANCE_XLSX_LAYOUT = {
  kindSheet: 'Theo loại hỗ trợ',
  reasonSheet: 'Lý do chưa xong',
  campaignSheet: 'Theo đợt ra quân',
  weekSheet: 'Theo tuần',
  headerRow: 4,
} as const;

/** XLSX with the same tables as the CSV, one per sheet, counts as numbers. */
export async function assistanceXlsx(t: AssistanceTalliesResponse, labels: { kind: (k: string) => string; reason: (r: string) => string }, auditChain?: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gõ Cửa';
  const title = `Hỗ trợ người dân — phường ${t.wardCode}`;
  const range = `Từ ngày: ${t.from ?? '—'}   Đến ngày: ${t.to ?? '—'}   Đợt ra quân: ${t.campaign ?? 'Tất cả'}`;
  const outcomes = (o: OutcomeCounts): number[] => [o.done + o.not_done + o.needs_follow_up, o.done, o.not_done, o.needs_follow_up];
  function sheet(name: string, header: string[], rows: (string | number)[][], widths: number[]): ExcelJS.Worksheet {
    const ws = wb.addWorksheet(name, { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
    ws.getCell('A1').value = title;
    ws.getCell('A1').font = { bold: true, size: 13 };
    ws.getCell('A2').value = range;
    const h = ws.getRow(ASSISTANCE_XLSX_LAYOUT.headerRow);
    h.values = header;
    h.font = { bold: true };
    rows.forEach((r, n) => {
      ws.getRow(ASSISTANCE_XLSX_LAYOUT.headerRow + 1 + n).values = r;
    });
    ws.columns = widths.map((width) => ({ width }));
    return ws;
  }
  const kinds = sheet(
    ASSISTANCE_XLSX_LAYOUT.kindSheet,
    ['Loại hỗ trợ', 'Tổng', 'Đã xong', 'Chưa xong', 'Cần quay lại'],
    [...ASSISTANCE_KINDS.map((k) => [labels.kind(k), ...outcomes(t.byKind[k])]), ['Tổng số lượt hỗ trợ', t.total, t.byOutcome.done, t.byOutcome.not_done, t.byOutcome.needs_follow_up]],
    [44, 10, 10, 10, 14],
  );
  const after = ASSISTANCE_XLSX_LAYOUT.headerRow + ASSISTANCE_KINDS.length + 3;
  kinds.getRow(after).values = ['Thành viên chuyển từ chưa có VNeID lên mức 1/2 sau hỗ trợ', t.vneidMoved];
  if (auditChain) kinds.getRow(after + 2).values = [auditChain];
  sheet(ASSISTANCE_XLSX_LAYOUT.reasonSheet, ['Lý do chưa xong', 'Số lượt'], ASSISTANCE_REASONS.map((r) => [labels.reason(r), t.byReason[r]]), [52, 10]);
  sheet(
    ASSISTANCE_XLSX_LAYOUT.campaignSheet,
    ['Đợt ra quân', 'Tổng', 'Đã xong', 'Chưa xong', 'Cần quay lại'],
    t.campaigns.map((c) => [c.campaign ?? '(không ghi)', ...outcomes(c.byOutcome)]),
    [40, 10, 10, 10, 14],
  );
  sheet(
    ASSISTANCE_XLSX_LAYOUT.weekSheet,
    ['Tuần', 'Từ', 'Đến', 'Tổng', 'Đã xong', 'Chưa xong', 'Cần quay lại'],
    t.weeks.map((w) => [w.week, w.start, w.end, ...outcomes(w.byOutcome)]),
    [12, 12, 12, 10, 10, 10, 14],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The export's words: the same report names as the dashboard (shared/domain/assistance-names.ts). */
export const ASSISTANCE_KIND_VI = ASSISTANCE_KIND_NAMES.vi;
export const ASSISTANCE_REASON_VI = ASSISTANCE_REASON_NAMES.vi;
