// The rescue export's messages (registered in i18n/all-locales.ts; `rescue.open`, Home's link,
// is in the first download: scripts/first-locales.ts).
export const rescueVi = {
  rescue: {
    open: 'Xuất hồ sơ chưa gửi',
    title: 'Xuất hồ sơ chưa gửi',
    intro:
      'Khi máy không gửi được về phường (hỏng màn hình, không có mạng, người dùng nghỉ, máy bị thu hồi), hãy xuất các hồ sơ chưa gửi và bản nháp thành một tệp rồi gửi tệp cho cán bộ phường qua Zalo, USB hoặc Bluetooth. Tệp được mã hoá: chỉ máy chủ của phường mở được, và có chữ ký của máy này.',
    keeps: 'Xuất tệp không xoá gì trên máy: hồ sơ vẫn chờ gửi như cũ, khi máy gửi được thì phường nhận một lần, không trùng.',
    contents: 'Tệp sẽ gồm {{households}} hộ, {{assistances}} lượt hỗ trợ chưa gửi và {{drafts}} bản nháp.',
    nothing: 'Không có hồ sơ hay bản nháp nào chưa gửi.',
    build: 'Tạo tệp',
    building: 'Đang tạo tệp…',
    built: 'Đã tạo tệp {{name}}: {{records}} hồ sơ và {{drafts}} bản nháp.',
    share: 'Chia sẻ tệp (Zalo, Bluetooth…)',
    download: 'Tải tệp về máy',
    sharedNext: 'Đã chia sẻ. Hãy báo cán bộ phường mở mục "Nhận hồ sơ từ máy hỏng" để nhận tệp.',
    savedNext: 'Tệp đã lưu vào mục Tải về của máy. Hãy gửi tệp cho cán bộ phường (Zalo, USB, Bluetooth).',
    keyMissing: 'Máy này chưa đăng ký khóa ký với phường nên phường sẽ không nhận được tệp. Hãy mở ứng dụng khi có mạng một lần để đăng ký, rồi xuất tệp lại.',
    keyOther: 'Phường đang giữ một khóa ký khác cho máy này nên sẽ không nhận tệp. Hãy báo cán bộ phường.',
    problem: {
      not_enrolled: 'Máy chưa đăng ký với phường nên không xuất được tệp.',
      no_sealing_key: 'Máy chưa có khóa mã hoá của phường (cần kết nối mạng một lần sau khi cập nhật ứng dụng).',
      no_signing_key: 'Máy chưa có khóa ký. Hãy mở ứng dụng khi có mạng một lần, rồi xuất tệp lại.',
      too_many: 'Có quá nhiều hồ sơ cho một tệp. Hãy báo cán bộ phường.',
      locked: 'Máy đang khoá. Hãy mở khoá rồi thử lại.',
      failed: 'Không tạo được tệp. Dữ liệu vẫn còn nguyên trên máy; hãy thử lại.',
    },
  },
};

export const rescueEn: typeof rescueVi = {
  rescue: {
    open: 'Export unsynced records',
    title: 'Export unsynced records',
    intro:
      'When this phone cannot send to the ward (broken screen, no network, a volunteer leaving, a retired phone), export its unsynced records and drafts as one file and give the file to ward staff by Zalo, USB or Bluetooth. The file is encrypted so that only the ward server can open it, and signed by this phone.',
    keeps: 'Exporting deletes nothing on the phone: the records keep waiting as before, and if the phone sends them later the ward stores them once, never twice.',
    contents: 'The file will hold {{households}} households, {{assistances}} assistance entries not yet sent and {{drafts}} drafts.',
    nothing: 'There are no unsent records or drafts.',
    build: 'Make the file',
    building: 'Making the file…',
    built: 'File {{name}} made: {{records}} records and {{drafts}} drafts.',
    share: 'Share the file (Zalo, Bluetooth…)',
    download: 'Save the file on the phone',
    sharedNext: 'Shared. Ask ward staff to open "Records from a broken phone" to take the file.',
    savedNext: 'The file is in the phone\'s Downloads. Send it to ward staff (Zalo, USB, Bluetooth).',
    keyMissing: 'This phone has not registered its signing key with the ward, so the ward will not accept the file. Open the app once while online to register it, then export again.',
    keyOther: 'The ward holds another signing key for this phone, so it will not accept the file. Please tell ward staff.',
    problem: {
      not_enrolled: 'This phone is not enrolled with a ward, so it cannot export.',
      no_sealing_key: 'This phone does not have the ward\'s encryption key yet (it needs to be online once after the app update).',
      no_signing_key: 'This phone has no signing key yet. Open the app once while online, then export again.',
      too_many: 'Too many records for one file. Please tell ward staff.',
      locked: 'The phone is locked. Unlock it and try again.',
      failed: 'The file could not be made. Everything is still on the phone; please try again.',
    },
  },
};
