// The server's words to people: whole-request error messages and record validation messages,
// in Vietnamese (default) or English, picked from the request's Accept-Language.
import type { RequestErrorCode } from '../../shared/protocol/sync.js';
import { validationEn } from '../../shared/i18n/validation-en.js';
import { validationVi, type ValidationMessages } from '../../shared/i18n/validation-vi.js';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '../../shared/protocol/sync.js';

export type Lang = 'vi' | 'en';

/** The first of vi/en the client prefers (by q-value, then order); Vietnamese when neither. */
export function pickLang(acceptLanguage: string | string[] | undefined): Lang {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  if (!header) return 'vi';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Lang | null = tag.startsWith('vi') ? 'vi' : tag.startsWith('en') ? 'en' : null;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'vi';
}

export function validationMessage(code: string, lang: Lang): string {
  const table: ValidationMessages = lang === 'en' ? validationEn : validationVi;
  return (table as Record<string, string>)[code] ?? table.invalid;
}

/** Message keys beyond the bare error code, for the cases that need their own words. */
export type MessageKey =
  | RequestErrorCode
  | 'bad_json'
  | 'bad_envelope'
  | 'too_many_records'
  | 'missing_token'
  | 'bad_waiting'
  | 'invalid_credentials'
  | 'enrolment_code_invalid'
  | 'enrolment_code_other_ward'
  | 'staff_only'
  | 'not_acceptable_encoding'
  | 'rev_conflict'
  | 'staff_changed'
  | 'storage_full'
  | 'database_busy'
  | 'database_unavailable'
  | 'password_change_required'
  | 'account_locked'
  | 'session_invalid'
  | 'current_password_wrong'
  | 'password_too_short'
  | 'password_too_long'
  | 'password_common'
  | 'bad_signing_key';

const vi: Record<MessageKey, string> = {
  bad_request: 'Yêu cầu không hợp lệ.',
  bad_json: 'Nội dung gửi lên không phải JSON hợp lệ.',
  bad_envelope: 'Gói đồng bộ không đúng định dạng (cần protocolVersion, batchId là UUID và danh sách records).',
  too_many_records: 'Mỗi lần đồng bộ gửi tối đa 500 bản ghi.',
  unauthorized: 'Thiết bị chưa được đăng ký hoặc đã bị thu hồi. Vui lòng đăng ký lại với mã đăng ký mới.',
  missing_token: 'Thiếu mã xác thực (Authorization: Bearer …).',
  bad_waiting: 'Tiêu đề X-Outbox-Waiting phải là số nguyên không âm (số bản ghi đang chờ gửi).',
  device_retired: 'Máy này đã được phường thu hồi và mọi bản ghi đã gửi xong. Dữ liệu cá nhân trên máy được xóa; muốn dùng tiếp, hãy đăng ký lại bằng mã mới.',
  device_lost: 'Máy này đã được báo mất. Dữ liệu cá nhân trên máy được xóa và không bản ghi nào từ máy này được nhận nữa.',
  invalid_credentials: 'Tên đăng nhập hoặc mật khẩu không đúng.',
  enrolment_code_invalid: 'Mã đăng ký không đúng hoặc đã hết lượt sử dụng.',
  enrolment_code_other_ward: 'Mã đăng ký này thuộc phường/xã khác.',
  forbidden: 'Không có quyền thực hiện thao tác này.',
  staff_only: 'Chỉ cán bộ phường đã đăng nhập mới xem được nội dung này.',
  payload_too_large: 'Gói dữ liệu quá lớn (tối đa 1 MB). Ứng dụng sẽ gửi thành các gói nhỏ hơn.',
  unsupported_media_type: 'Định dạng nội dung không được hỗ trợ (cần application/json, có thể nén gzip).',
  not_acceptable_encoding: 'Kiểu nén không được hỗ trợ (chỉ chấp nhận gzip).',
  rev_conflict: 'Máy chủ đã có phiên bản này của hộ với nội dung khác (có thể do máy khác sửa cùng lúc). Bản này được giữ lại để cán bộ phường xem xét; hãy mở hộ, kiểm tra và lưu lại để gửi phiên bản mới.',
  staff_changed: 'Cán bộ phường đã thay đổi bản ghi này (hủy hoặc sửa) sau lần máy nhận gần nhất. Máy đã lấy bản của phường; thay đổi vừa gửi được giữ lại trên máy chủ để cán bộ phường xem xét.',
  protocol_too_old: `Ứng dụng Gõ Cửa trên máy này đã cũ. Vui lòng mở lại ứng dụng khi có mạng để cập nhật phiên bản mới rồi đồng bộ lại (máy chủ cần giao thức ${MIN_PROTOCOL_VERSION}–${PROTOCOL_VERSION}).`,
  protocol_too_new: `Máy chủ của phường chưa hỗ trợ phiên bản ứng dụng này. Vui lòng báo cán bộ phường cập nhật máy chủ Gõ Cửa (máy chủ hỗ trợ giao thức ${MIN_PROTOCOL_VERSION}–${PROTOCOL_VERSION}). Dữ liệu vẫn được giữ trên máy.`,
  rate_limited: 'Gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.',
  not_found: 'Không tìm thấy.',
  server_error: 'Máy chủ gặp lỗi. Dữ liệu vẫn được giữ trên máy, ứng dụng sẽ thử lại sau.',
  unavailable: 'Máy chủ tạm thời không ghi được dữ liệu. Dữ liệu vẫn được giữ trên máy, ứng dụng sẽ thử lại sau.',
  storage_full: 'Ổ đĩa của máy chủ phường đã đầy nên chưa lưu được gói này (không có bản ghi nào bị lưu dở). Dữ liệu vẫn được giữ trên máy, ứng dụng sẽ tự gửi lại; hãy báo cán bộ phường giải phóng dung lượng.',
  database_busy: 'Máy chủ đang bận ghi dữ liệu khác. Dữ liệu vẫn được giữ trên máy, ứng dụng sẽ thử lại sau ít giây.',
  database_unavailable: 'Máy chủ phường không đọc được cơ sở dữ liệu. Dữ liệu vẫn được giữ trên máy; hãy báo cán bộ phường kiểm tra máy chủ.',
  password_change_required: 'Bạn cần đổi mật khẩu trước khi tiếp tục.',
  account_locked: 'Đăng nhập sai quá nhiều lần. Vui lòng đợi rồi thử lại.',
  session_invalid: 'Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại.',
  current_password_wrong: 'Mật khẩu hiện tại không đúng.',
  password_too_short: 'Mật khẩu mới cần ít nhất 12 ký tự.',
  password_too_long: 'Mật khẩu mới dài tối đa 200 ký tự.',
  password_common: 'Mật khẩu này quá phổ biến hoặc dễ đoán (mật khẩu thông dụng, tên đăng nhập, hay một đoạn lặp lại). Hãy chọn một câu dài hơn.',
  bad_signing_key: 'Khóa ký của máy không hợp lệ (cần một điểm P-256 dạng base64url).',
  signing_key_exists: 'Máy này đã đăng ký một khóa ký khác; khóa đã đăng ký không bị thay thế.',
};

const en: Record<MessageKey, string> = {
  bad_request: 'The request is not valid.',
  bad_json: 'The body is not valid JSON.',
  bad_envelope: 'The sync batch is malformed (it needs protocolVersion, a UUID batchId and a records list).',
  too_many_records: 'A sync batch holds at most 500 records.',
  unauthorized: 'This device is not enrolled or has been revoked. Please enrol again with a new enrolment code.',
  missing_token: 'The access token is missing (Authorization: Bearer …).',
  bad_waiting: 'The X-Outbox-Waiting header must be a whole number (the records waiting to be sent).',
  device_retired: 'The ward retired this phone and everything it held has been sent. Its personal data is wiped; to use it again, enrol with a new code.',
  device_lost: 'This phone was reported lost. Its personal data is wiped and nothing more is accepted from it.',
  invalid_credentials: 'Wrong username or password.',
  enrolment_code_invalid: 'The enrolment code is wrong or used up.',
  enrolment_code_other_ward: 'This enrolment code belongs to another ward.',
  forbidden: 'You may not do this.',
  staff_only: 'Only signed-in ward staff may see this.',
  payload_too_large: 'The body is too large (1 MB at most). The app will send smaller batches.',
  unsupported_media_type: 'Unsupported content type (send application/json, optionally gzip-compressed).',
  not_acceptable_encoding: 'Unsupported content encoding (only gzip is accepted).',
  rev_conflict: 'The server already holds this revision of the household with other content (perhaps edited on another phone at the same time). This copy is kept for ward staff to review; open the household, check it and save to send a new revision.',
  staff_changed: 'Ward staff changed this record (voided or corrected it) after this phone last heard from the server. The phone took the ward\'s copy; the change just sent is kept on the server for ward staff to review.',
  protocol_too_old: `The Gõ Cửa app on this phone is out of date. Open the app while online to update it, then sync again (the server needs protocol ${MIN_PROTOCOL_VERSION}–${PROTOCOL_VERSION}).`,
  protocol_too_new: `The ward server does not support this app version yet. Please ask ward staff to update the Gõ Cửa server (it supports protocol ${MIN_PROTOCOL_VERSION}–${PROTOCOL_VERSION}). Your data stays on the phone.`,
  rate_limited: 'Too many requests. Please try again in a few minutes.',
  not_found: 'Not found.',
  server_error: 'The server had an error. Your data stays on the phone; the app will retry later.',
  unavailable: 'The server cannot store data right now. Your data stays on the phone; the app will retry later.',
  storage_full: 'The ward server\'s disk is full, so this batch was not stored (nothing was half-written). Your data stays on the phone and the app will send it again; please tell ward staff to free some space.',
  database_busy: 'The server is busy writing other data. Your data stays on the phone; the app will retry in a few seconds.',
  database_unavailable: 'The ward server cannot read its database. Your data stays on the phone; please tell ward staff to check the server.',
  password_change_required: 'You must change your password before going on.',
  account_locked: 'Too many wrong sign-ins. Please wait and try again.',
  session_invalid: 'Your session has expired or is not valid. Please sign in again.',
  current_password_wrong: 'The current password is wrong.',
  password_too_short: 'The new password needs at least 12 characters.',
  password_too_long: 'The new password may have at most 200 characters.',
  password_common: 'This password is too common or easy to guess (a common password, the username, or a repeated piece). Choose a longer phrase.',
  bad_signing_key: 'The device signing key is not valid (it must be a P-256 point, base64url).',
  signing_key_exists: 'This device already has another signing key registered; a registered key is never replaced.',
};

export function message(key: MessageKey, lang: Lang): string {
  return (lang === 'en' ? en : vi)[key];
}
