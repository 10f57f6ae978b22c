// Strings of the "this phone was wiped" screen (storage/wipe.ts), merged into the app's i18n
// resources (src/app/i18n/index.ts). Vietnamese first; wipedEn has the same keys.
export const wipedVi = {
  wiped: {
    title: 'Dữ liệu trên máy này đã được xóa',
    retired: 'Máy này đã được thu hồi: phường cho máy nghỉ, mọi bản ghi đã gửi về phường trước khi xóa.',
    lost: 'Máy này đã được thu hồi: phường báo máy bị mất. Dữ liệu cá nhân trên máy đã được xóa, kể cả những bản ghi chưa kịp gửi.',
    too_many_pins: 'Nhập sai mã PIN quá nhiều lần. Để bảo vệ thông tin người dân, dữ liệu trên máy đã được xóa (những gì đã gửi vẫn còn ở phường).',
    retention: 'Dữ liệu trên máy đã được xóa theo thời hạn lưu của phường.',
    at: 'Xóa lúc {{time}}.',
    kept: 'Máy vẫn giữ ngôn ngữ và cách hiển thị bạn đã chọn.',
    enrolAgain: 'Đăng ký lại với phường',
    enrolHint: 'Muốn dùng tiếp máy này, hãy xin cán bộ phường một mã đăng ký mới.',
    pruned: 'Lần đồng bộ gần nhất đã xóa khỏi máy {{count}} bản ghi đã gửi quá {{days}} ngày (phường vẫn giữ; những hộ còn cần theo dõi được giữ lại trên máy).',
  },
};

export const wipedEn: typeof wipedVi = {
  wiped: {
    title: 'The data on this phone has been wiped',
    retired: 'This phone was retired by the ward: everything it held was sent to the ward before the wipe.',
    lost: 'This phone was retired: the ward reported it lost. Its personal data has been wiped, records not yet sent included.',
    too_many_pins: 'The PIN was entered wrongly too many times. To protect residents, the data on this phone has been wiped (what was sent is still at the ward).',
    retention: 'The data on this phone was wiped under the ward’s retention period.',
    at: 'Wiped at {{time}}.',
    kept: 'The phone keeps the language and display settings you chose.',
    enrolAgain: 'Enrol with the ward again',
    enrolHint: 'To use this phone again, ask ward staff for a new enrolment code.',
    pruned: 'The last sync removed {{count}} sent records older than {{days}} days from this phone (the ward keeps them; what still needs a follow-up stays on the phone).',
  },
};
