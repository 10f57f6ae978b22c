// Words of the ward dashboard's API errors, Vietnamese first and English (Accept-Language).
// Kept apart from services/messages.ts (the phone-facing messages) so the two grow separately.
import type { Lang } from './messages.js';

export type DashboardMessageKey =
  | 'bad_request'
  | 'missing_token'
  | 'session_invalid'
  | 'device_not_staff'
  | 'other_ward'
  | 'admin_only'
  | 'city_not_ward'
  | 'ward_staff_not_city'
  | 'other_province'
  | 'city_admin_only'
  | 'not_found'
  | 'household_not_found'
  | 'device_not_found'
  | 'user_not_found'
  | 'unknown_group'
  | 'bad_year'
  | 'bad_as_of'
  | 'bad_date_range'
  | 'bad_by'
  | 'bad_targets'
  | 'bad_settings'
  | 'phone_retention_too_long'
  | 'bad_revoke_kind'
  | 'bad_groups'
  | 'duplicate_group_code'
  | 'group_in_use'
  | 'invalid_csv'
  | 'username_invalid'
  | 'password_too_short'
  | 'password_common'
  | 'password_change_required'
  | 'username_taken'
  | 'bad_uses'
  | 'uses_over_role_cap'
  | 'bad_expiry'
  | 'enrolment_code_not_found'
  | 'void_reason_required'
  | 'already_voided'
  | 'transfer_same_device'
  | 'transfer_to_revoked'
  | 'rescue_bad_file'
  | 'rescue_other_ward'
  | 'rescue_unknown_device'
  | 'rescue_device_other_ward'
  | 'rescue_no_signing_key'
  | 'rescue_bad_signature'
  | 'rescue_unsealable'
  | 'rescue_bad_payload';

const vi: Record<DashboardMessageKey, string> = {
  bad_request: 'Yêu cầu không hợp lệ.',
  missing_token: 'Vui lòng đăng nhập (thiếu mã xác thực Authorization: Bearer …).',
  session_invalid: 'Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại.',
  device_not_staff: 'Chỉ cán bộ phường đã đăng nhập mới xem được nội dung này (không dùng mã của thiết bị).',
  other_ward: 'Tài khoản này không thuộc phường/xã được yêu cầu.',
  admin_only: 'Chỉ quản trị viên của phường mới thực hiện được thao tác này.',
  city_not_ward: 'Tài khoản cấp thành phố chỉ xem bảng tổng hợp các phường; danh sách hộ, chất lượng dữ liệu, việc cần làm và nhật ký của phường do cán bộ phường xem.',
  ward_staff_not_city: 'Chỉ cán bộ cấp thành phố/tỉnh mới xem được bảng tổng hợp này.',
  other_province: 'Tài khoản này không thuộc tỉnh/thành phố được yêu cầu, hoặc phường không thuộc tỉnh/thành phố đó.',
  city_admin_only: 'Chỉ quản trị viên cấp thành phố mới xem được nhật ký của tỉnh/thành phố.',
  not_found: 'Không tìm thấy.',
  household_not_found: 'Không tìm thấy hộ này trong dữ liệu của phường.',
  device_not_found: 'Không tìm thấy thiết bị này trong phường.',
  user_not_found: 'Không tìm thấy tài khoản này trong phường.',
  unknown_group: 'Tổ dân phố không có trong danh sách của phường.',
  bad_year: 'Năm không hợp lệ (cần 4 chữ số, ví dụ 2026).',
  bad_as_of: 'Ngày chốt số liệu không hợp lệ (cần dạng YYYY-MM-DD, ví dụ 2026-11-30).',
  bad_date_range: 'Khoảng ngày không hợp lệ (từ ngày và đến ngày dạng YYYY-MM-DD, từ ngày không sau đến ngày).',
  bad_by: 'Cách chia không hợp lệ (chỉ nhận group, ageBand hoặc sex).',
  bad_targets: 'Chỉ tiêu không hợp lệ: mỗi năm gồm 4 chữ số, mỗi chỉ tiêu là một tỷ lệ từ 0 đến 1 với mã chỉ tiêu đã biết.',
  bad_settings: 'Thiết lập không hợp lệ (tuổi trưởng thành 14–21, tuổi tính VNeID 0–21, thời gian lưu 1–120 tháng, số ngày giữ trên điện thoại 7–365).',
  phone_retention_too_long: 'Số ngày giữ bản ghi trên điện thoại không được dài hơn thời gian lưu thông tin thành viên (mỗi tháng tính 30 ngày).',
  bad_revoke_kind: 'Cách thu hồi phải là “retired” (cho máy gửi nốt rồi xóa) hoặc “lost” (máy bị mất: xóa ngay).',
  bad_groups: 'Danh sách tổ dân phố không hợp lệ (mỗi tổ cần mã gồm chữ/số, tên và số hộ trên sổ là số nguyên không âm).',
  duplicate_group_code: 'Mã tổ dân phố bị trùng trong danh sách.',
  group_in_use: 'Không thể bỏ tổ dân phố đã có hộ được khảo sát.',
  invalid_csv: 'Tệp CSV có dòng không hợp lệ; chưa có thay đổi nào được áp dụng.',
  username_invalid: 'Tên đăng nhập gồm 3–40 chữ cái không dấu, chữ số, ".", "_" hoặc "-".',
  password_too_short: 'Mật khẩu cần ít nhất 12 ký tự (tối đa 200).',
  password_common: 'Mật khẩu này quá phổ biến hoặc dễ đoán (mật khẩu thông dụng, tên đăng nhập, hay một đoạn lặp lại). Hãy chọn một câu dài hơn.',
  password_change_required: 'Bạn cần đổi mật khẩu trước khi tiếp tục.',
  username_taken: 'Tên đăng nhập này đã được dùng.',
  bad_uses: 'Số lượt dùng của mã đăng ký phải là số nguyên từ 1 đến 1000.',
  uses_over_role_cap: 'Cán bộ phường chỉ cấp được mã dùng cho tối đa 50 máy; cần nhiều hơn, hãy nhờ quản trị viên của phường.',
  bad_expiry: 'Thời hạn của mã đăng ký phải là số ngày nguyên từ 1 đến 90.',
  enrolment_code_not_found: 'Không tìm thấy mã đăng ký này trong phường.',
  void_reason_required: 'Vui lòng ghi lý do hủy (tối đa 200 ký tự).',
  already_voided: 'Hộ này đã bị hủy trước đó.',
  transfer_same_device: 'Hãy chọn một thiết bị khác để giao bản ghi.',
  transfer_to_revoked: 'Không thể giao bản ghi cho thiết bị đã bị thu hồi.',
  rescue_bad_file: 'Tệp này không phải tệp hồ sơ Gõ Cửa xuất từ điện thoại (sai định dạng hoặc bị cắt dở). Không có gì được lưu.',
  rescue_other_ward: 'Tệp này được xuất cho phường/xã khác. Không có gì được lưu.',
  rescue_unknown_device: 'Tệp này đến từ một điện thoại không đăng ký với phường. Không có gì được lưu.',
  rescue_device_other_ward: 'Tệp này đến từ một điện thoại của phường/xã khác. Không có gì được lưu.',
  rescue_no_signing_key: 'Điện thoại xuất tệp này chưa đăng ký khóa ký với phường nên không kiểm tra được tệp. Không có gì được lưu.',
  rescue_bad_signature: 'Chữ ký của tệp không khớp với điện thoại đã xuất nó: tệp đã bị sửa hoặc không phải do máy này tạo. Không có gì được lưu.',
  rescue_unsealable: 'Không mở được nội dung tệp bằng khóa của phường (tệp bị sửa, hoặc khóa của phường đã mất). Không có gì được lưu.',
  rescue_bad_payload: 'Nội dung tệp không đúng định dạng. Không có gì được lưu.',
};

const en: Record<DashboardMessageKey, string> = {
  bad_request: 'The request is not valid.',
  missing_token: 'Please sign in (the Authorization: Bearer … token is missing).',
  session_invalid: 'Your session has expired or is not valid. Please sign in again.',
  device_not_staff: 'Only signed-in ward staff may see this (a device token is not accepted).',
  other_ward: 'This account does not belong to the requested ward.',
  admin_only: 'Only a ward administrator may do this.',
  city_not_ward: 'A city account reads the roll-up of the wards only; household lists, data quality, follow-ups and the ward audit log are for ward staff.',
  ward_staff_not_city: 'Only city staff may read this roll-up.',
  other_province: 'This account does not belong to the requested province, or the ward is not in it.',
  city_admin_only: 'Only a city administrator may read the province audit log.',
  not_found: 'Not found.',
  household_not_found: 'No such household in this ward.',
  device_not_found: 'No such device in this ward.',
  user_not_found: 'No such account in this ward.',
  unknown_group: 'This tổ dân phố is not on the ward register.',
  bad_year: 'The year is not valid (four digits, e.g. 2026).',
  bad_as_of: 'The cut-off date is not valid (YYYY-MM-DD, e.g. 2026-11-30).',
  bad_date_range: 'The date range is not valid (from and to as YYYY-MM-DD, from not after to).',
  bad_by: 'Unknown breakdown (use group, ageBand or sex).',
  bad_targets: 'Targets are not valid: four-digit years, known indicator codes, each a fraction from 0 to 1.',
  bad_settings: 'Settings are not valid (adult age 14–21, VNeID age 0–21, retention 1–120 months, days kept on phones 7–365).',
  phone_retention_too_long: 'Days records are kept on phones cannot be longer than the months member details are kept (a month counts as 30 days).',
  bad_revoke_kind: 'The revocation kind must be “retired” (send what waits, then wipe) or “lost” (lost or stolen: wipe at once).',
  bad_groups: 'The register is not valid (each tổ dân phố needs a code of letters/digits, a name and a whole number of households ≥ 0).',
  duplicate_group_code: 'A tổ dân phố code appears twice.',
  group_in_use: 'A tổ dân phố that already has surveyed households cannot be removed.',
  invalid_csv: 'The CSV file has invalid lines; nothing was changed.',
  username_invalid: 'A username is 3–40 letters (no diacritics), digits, ".", "_" or "-".',
  password_too_short: 'The password needs at least 12 characters (200 at most).',
  password_common: 'This password is too common or easy to guess (a common password, the username, or a repeated piece). Choose a longer phrase.',
  password_change_required: 'You must change your password before going on.',
  username_taken: 'This username is already taken.',
  bad_uses: 'Uses of an enrolment code must be a whole number from 1 to 1000.',
  uses_over_role_cap: 'Ward staff may issue a code for at most 50 phones; for more, ask a ward admin.',
  bad_expiry: 'The validity of an enrolment code must be a whole number of days from 1 to 90.',
  enrolment_code_not_found: 'No such enrolment code in this ward.',
  void_reason_required: 'Please give a reason for voiding (200 characters at most).',
  already_voided: 'This household is already voided.',
  transfer_same_device: 'Choose another device to hand the records to.',
  transfer_to_revoked: 'Records cannot be handed to a revoked device.',
  rescue_bad_file: 'This is not a Gõ Cửa file exported from a phone (wrong format or cut short). Nothing was stored.',
  rescue_other_ward: 'This file was exported for another ward. Nothing was stored.',
  rescue_unknown_device: 'This file comes from a phone that is not enrolled with this ward. Nothing was stored.',
  rescue_device_other_ward: 'This file comes from a phone of another ward. Nothing was stored.',
  rescue_no_signing_key: 'The phone that exported this file never registered its signing key with the ward, so the file cannot be checked. Nothing was stored.',
  rescue_bad_signature: 'The file\'s signature does not match the phone that exported it: the file was altered or was not made by that phone. Nothing was stored.',
  rescue_unsealable: 'The file\'s content does not open with the ward\'s keys (the file was altered, or the ward\'s key was lost). Nothing was stored.',
  rescue_bad_payload: 'The file\'s content is malformed. Nothing was stored.',
};

export function dashboardMessage(key: DashboardMessageKey, lang: Lang): string {
  return (lang === 'en' ? en : vi)[key];
}

/** Per-line CSV import problems, in both languages. */
export type CsvProblem =
  | { kind: 'empty' }
  | { kind: 'header'; expected: string }
  | { kind: 'columns'; count: number }
  | { kind: 'code' }
  | { kind: 'name' }
  | { kind: 'count' }
  | { kind: 'duplicate'; firstLine: number }
  | { kind: 'quote' }
  | { kind: 'in_use' };

export function csvProblemMessage(p: CsvProblem, lang: Lang): string {
  if (lang === 'en') {
    switch (p.kind) {
      case 'empty': return 'The file is empty.';
      case 'header': return `The first line must be the header: ${p.expected}`;
      case 'columns': return `Expected 3 columns (code,name,householdsOnRegister), found ${p.count}.`;
      case 'code': return 'Code: 1–20 letters, digits, "_" or "-".';
      case 'name': return 'Name: required, 120 characters at most.';
      case 'count': return 'householdsOnRegister: a whole number ≥ 0.';
      case 'duplicate': return `This code already appears on line ${p.firstLine}.`;
      case 'quote': return 'A quoted field is not closed.';
      case 'in_use': return 'This tổ dân phố has surveyed households and cannot be left out of the register.';
    }
  }
  switch (p.kind) {
    case 'empty': return 'Tệp trống.';
    case 'header': return `Dòng đầu phải là tiêu đề: ${p.expected}`;
    case 'columns': return `Cần 3 cột (code,name,householdsOnRegister), dòng này có ${p.count}.`;
    case 'code': return 'Mã tổ: 1–20 ký tự gồm chữ không dấu, chữ số, "_" hoặc "-".';
    case 'name': return 'Tên tổ: bắt buộc, tối đa 120 ký tự.';
    case 'count': return 'Số hộ trên sổ: số nguyên không âm.';
    case 'duplicate': return `Mã này đã có ở dòng ${p.firstLine}.`;
    case 'quote': return 'Có dấu ngoặc kép chưa được đóng.';
    case 'in_use': return 'Tổ dân phố này đã có hộ được khảo sát, không thể bỏ khỏi danh sách.';
  }
}
