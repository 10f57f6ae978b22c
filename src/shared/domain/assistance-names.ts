// The report names of the kinds of help and of the reasons a help was not finished, in
// Vietnamese and English: what the ward dashboard shows and what its CSV/XLSX exports write.
// (The phone's chips use shorter words of their own: src/app/features/assistance/locales.ts.)
import type { ASSISTANCE_KINDS, ASSISTANCE_REASONS } from '../schema/assistance.js';

type KindNames = Record<(typeof ASSISTANCE_KINDS)[number], string>;
type ReasonNames = Record<(typeof ASSISTANCE_REASONS)[number], string>;

export const ASSISTANCE_KIND_NAMES: { vi: KindNames; en: KindNames } = {
  vi: {
    install_vneid: 'Cài đặt, kích hoạt VNeID',
    activate_level2_guidance: 'Hướng dẫn định danh mức 2',
    password_or_device_recovery: 'Khôi phục mật khẩu / thiết bị',
    add_documents_or_health_record: 'Tích hợp giấy tờ, sổ sức khỏe điện tử',
    submit_online_public_service: 'Nộp dịch vụ công trực tuyến',
    setup_bank_ewallet_qr: 'Mở tài khoản, ví điện tử, thanh toán QR',
    scam_awareness: 'Nhận diện lừa đảo',
    teaching_card: 'Hướng dẫn theo thẻ',
  },
  en: {
    install_vneid: 'Install and activate VNeID',
    activate_level2_guidance: 'Guidance for level 2 identification',
    password_or_device_recovery: 'Password / device recovery',
    add_documents_or_health_record: 'Add documents, electronic health record',
    submit_online_public_service: 'Submit an online public service',
    setup_bank_ewallet_qr: 'Bank account, e-wallet, QR payment',
    scam_awareness: 'Scam awareness',
    teaching_card: 'Teaching card',
  },
};

export const ASSISTANCE_REASON_NAMES: { vi: ReasonNames; en: ReasonNames } = {
  vi: {
    no_smartphone: 'Không có điện thoại thông minh',
    phone_not_registered_number_no_otp: 'Số điện thoại không chính chủ / không nhận được OTP',
    must_register_level2_at_police: 'Phải đăng ký mức 2 tại công an',
    forgotten_password: 'Quên mật khẩu',
    account_bound_to_old_device: 'Tài khoản gắn với thiết bị cũ',
    no_nfc_chip_reader: 'Điện thoại không đọc được chip (NFC)',
    data_mismatch: 'Thông tin không khớp',
    person_absent_or_refused: 'Người dân vắng mặt hoặc từ chối',
    other: 'Lý do khác',
  },
  en: {
    no_smartphone: 'No smartphone',
    phone_not_registered_number_no_otp: 'Phone number not in their name / no OTP received',
    must_register_level2_at_police: 'Must register level 2 at the police',
    forgotten_password: 'Forgotten password',
    account_bound_to_old_device: 'Account bound to an old device',
    no_nfc_chip_reader: 'Phone cannot read the chip (NFC)',
    data_mismatch: 'Data do not match',
    person_absent_or_refused: 'Person absent or refused',
    other: 'Other reason',
  },
};
