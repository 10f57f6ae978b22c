// The readable copy of what the ward holds about a person (the right of access): a printable
// A4 HTML page in the staff member's language (Vietnamese or English), self-contained (no
// scripts, fonts or images from anywhere), and the same content as JSON.
import type { WardConfig } from '../../shared/schema/ward-config.js';
import type { HeldItem } from './data-subject.js';
import type { DataRequest } from './data-subject-requests.js';

type Lang = 'vi' | 'en';

const L = {
  vi: {
    title: 'Dữ liệu cá nhân phường đang lưu giữ',
    intro: 'Bản sao dữ liệu cá nhân do Ủy ban nhân dân phường lưu giữ, cung cấp theo yêu cầu của chủ thể dữ liệu (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15, Nghị định số 356/2025/NĐ-CP).',
    request: 'Yêu cầu',
    receivedOn: 'Ngày nhận',
    generatedAt: 'Lập lúc',
    heldIn: 'Nơi lưu',
    household: 'Phiếu hộ',
    member: 'thành viên',
    assistance: 'Lượt hỗ trợ',
    revisions: 'lần lưu (phiên bản)',
    conflicts: 'bản ghi xung đột chờ xem xét',
    group: 'Tổ dân phố / khu phố',
    surveyedAt: 'Ngày khảo sát / hỗ trợ',
    retentionUntil: 'Lưu đến (sau đó xóa thông tin cá nhân)',
    voided: 'Đã hủy',
    consent: 'Sự đồng ý đã ghi nhận',
    noConsent: 'Không có ghi nhận đồng ý',
    address: 'Địa chỉ',
    note: 'Ghi chú',
    people: 'Thông tin cá nhân',
    help: 'Nội dung hỗ trợ',
    nothing: 'Không có dữ liệu nào được liên kết với yêu cầu này.',
    yes: 'Có',
    no: 'Không',
  },
  en: {
    title: 'Personal data held by the ward',
    intro: "A copy of the personal data held by the ward People's Committee, provided at the data subject's request (Law on Personal Data Protection No. 91/2025/QH15, Decree No. 356/2025/NĐ-CP).",
    request: 'Request',
    receivedOn: 'Received on',
    generatedAt: 'Generated at',
    heldIn: 'Held in',
    household: 'Household record',
    member: 'member',
    assistance: 'Assistance record',
    revisions: 'saved versions',
    conflicts: 'conflicting versions awaiting review',
    group: 'Tổ dân phố / khu phố',
    surveyedAt: 'Survey / help date',
    retentionUntil: 'Kept until (personal fields erased after)',
    voided: 'Voided',
    consent: 'Consent recorded',
    noConsent: 'No consent recorded',
    address: 'Address',
    note: 'Note',
    people: 'Personal data',
    help: 'Help given',
    nothing: 'No data is linked to this request.',
    yes: 'Yes',
    no: 'No',
  },
} as const;

/** Field names as a reader understands them; a key not listed is shown as it is stored. */
const FIELD: Record<Lang, Record<string, string>> = {
  vi: {
    id: 'Mã', name: 'Họ tên', relation: 'Quan hệ với chủ hộ', birthYear: 'Năm sinh', sex: 'Giới tính', cccd: 'Số CCCD', phone: 'Số điện thoại',
    ehr: 'Sổ sức khỏe điện tử', wantsHelp: 'Muốn được hỗ trợ', wantsHelpNote: 'Ghi chú hỗ trợ', vneid: 'Tài khoản VNeID', digitalServices12m: 'Dịch vụ số 12 tháng',
    ownsSmartphone: 'Có điện thoại thông minh', usedInternet3m: 'Dùng Internet 3 tháng', skills: 'Kỹ năng số', bankAccount: 'Tài khoản ngân hàng',
    cashless30d: 'Thanh toán không tiền mặt 30 ngày', digitalSignature: 'Chữ ký số', onlinePublicService12m: 'Dịch vụ công trực tuyến 12 tháng', cityApp: 'Ứng dụng của thành phố',
    given: 'Đồng ý', consenterName: 'Người đồng ý', consenterRelation: 'Quan hệ', consentedAt: 'Thời điểm', method: 'Cách thức', noticeVersion: 'Phiên bản thông báo',
    houseNumber: 'Số nhà', lane: 'Ngõ / hẻm', street: 'Đường', helpedAt: 'Thời điểm hỗ trợ', kinds: 'Loại hỗ trợ', outcome: 'Kết quả', reason: 'Lý do',
    reasonNote: 'Ghi chú lý do', campaign: 'Đợt ra quân', place: 'Địa điểm', household: 'Hộ liên kết',
  },
  en: {
    id: 'Id', name: 'Name', relation: 'Relation to the head', birthYear: 'Year of birth', sex: 'Sex', cccd: 'CCCD number', phone: 'Phone number',
    ehr: 'Electronic health record', wantsHelp: 'Wants help with', wantsHelpNote: 'Help note', vneid: 'VNeID account', digitalServices12m: 'Digital services, 12 months',
    ownsSmartphone: 'Owns a smartphone', usedInternet3m: 'Used the internet, 3 months', skills: 'Digital skills', bankAccount: 'Bank account',
    cashless30d: 'Paid without cash, 30 days', digitalSignature: 'Digital signature', onlinePublicService12m: 'Online public service, 12 months', cityApp: 'City app',
    given: 'Consented', consenterName: 'Consented by', consenterRelation: 'Relation', consentedAt: 'When', method: 'Method', noticeVersion: 'Notice version',
    houseNumber: 'House number', lane: 'Lane', street: 'Street', helpedAt: 'Helped at', kinds: 'Kinds of help', outcome: 'Outcome', reason: 'Reason',
    reasonNote: 'Reason note', campaign: 'Campaign', place: 'Place', household: 'Linked household',
  },
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function valueText(v: unknown, lang: Lang): string {
  if (v === true) return L[lang].yes;
  if (v === false) return L[lang].no;
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.map((x) => valueText(x, lang)).join(', ') || '—';
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${FIELD[lang][k] ?? k}: ${valueText(x, lang)}`).join('; ');
  return String(v);
}

function table(obj: Record<string, unknown>, lang: Lang): string {
  const rows = Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<tr><th scope="row">${esc(FIELD[lang][k] ?? k)}</th><td>${esc(valueText(v, lang))}</td></tr>`)
    .join('');
  return `<table>${rows}</table>`;
}

export function exportJson(config: WardConfig, request: DataRequest, items: HeldItem[], now = new Date()) {
  return {
    ward: { code: config.code, name: config.name },
    request: { id: request.id, kind: request.kind, receivedOn: request.receivedOn },
    generatedAt: now.toISOString(),
    retentionMonths: config.settings.retentionMonths,
    items,
  };
}

export function exportHtml(config: WardConfig, request: DataRequest, items: HeldItem[], lang: Lang, now = new Date()): string {
  const t = L[lang];
  const sections = items.map((item) => {
    const where =
      item.heldIn.recordKind === 'household'
        ? `${t.household} ${item.heldIn.recordId}${item.heldIn.memberId ? `, ${t.member} ${item.heldIn.memberId}` : ''}`
        : `${t.assistance} ${item.heldIn.recordId}`;
    const facts = [
      [t.heldIn, `${where} (${item.heldIn.revisions} ${t.revisions}; ${item.heldIn.conflicts} ${t.conflicts})`],
      [t.group, [item.groupCode, item.groupName].filter(Boolean).join(' — ') || '—'],
      [t.surveyedAt, item.surveyedAt],
      [t.retentionUntil, item.retentionUntil],
      ...(item.voided ? [[t.voided, t.yes]] : []),
      ...(item.heldIn.recordKind === 'household' ? [[t.consent, item.consent ? valueText(item.consent, lang) : t.noConsent]] : []),
      ...(item.address ? [[t.address, valueText(item.address, lang)]] : []),
      ...(item.note ? [[t.note, item.note]] : []),
    ];
    return `<section><h2>${esc(where)}</h2><table>${facts.map(([k, v]) => `<tr><th scope="row">${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join('')}</table>
<h3>${esc(t.people)}</h3>${item.people.map((p) => table(p, lang)).join('')}
${item.assistance ? `<h3>${esc(t.help)}</h3>${table(item.assistance as Record<string, unknown>, lang)}` : ''}</section>`;
  });
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(t.title)} — ${esc(config.name)}</title>
<style>
@page { size: A4; margin: 18mm 15mm; }
body { font-family: "Times New Roman", "DejaVu Serif", serif; font-size: 12pt; color: #000; max-width: 180mm; margin: 0 auto; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.2em; } h3 { font-size: 12pt; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; page-break-inside: avoid; }
th, td { border: 1px solid #444; padding: 3px 6px; text-align: left; vertical-align: top; }
th { width: 38%; font-weight: normal; background: #eee; }
section { page-break-inside: avoid; }
</style></head>
<body>
<h1>${esc(t.title)}</h1>
<p>${esc(config.name)}</p>
<p>${esc(t.intro)}</p>
<table>
<tr><th scope="row">${esc(t.request)}</th><td>${esc(request.id)}</td></tr>
<tr><th scope="row">${esc(t.receivedOn)}</th><td>${esc(request.receivedOn)}</td></tr>
<tr><th scope="row">${esc(t.generatedAt)}</th><td>${esc(now.toISOString())}</td></tr>
</table>
${sections.length > 0 ? sections.join('\n') : `<p>${esc(t.nothing)}</p>`}
</body></html>
`;
}
