// Dashboard messages for retiring a device or declaring it lost (issue 12, point 2), and the
// phone-retention setting. Merged into the dashboard's bundle by loadDashboardLocales.
export const retirementVi = {
  dashboard: {
    admin: {
      setting_phoneRetentionDays: 'Số ngày giữ bản ghi đã gửi trên điện thoại (7–365)',
      phoneRetentionTooLong: 'Số ngày giữ trên điện thoại không được quá thời gian lưu thông tin thành viên ({{days}} ngày).',
    },
    devices: {
      retire: 'Cho máy nghỉ',
      lost: 'Báo mất',
      retiredBadge: 'Đã cho nghỉ',
      lostBadge: 'Đã báo mất',
      retireConfirm:
        'Cho máy của {{name}} nghỉ? Máy vẫn gửi nốt các bản ghi đang chờ; gửi xong, máy tự xóa toàn bộ dữ liệu cá nhân. Muốn dùng lại phải đăng ký bằng mã mới.',
      lostConfirm:
        'Báo mất máy của {{name}}? Lần liên lạc tới, máy sẽ bị xóa ngay dữ liệu cá nhân và máy chủ không nhận thêm bản ghi nào từ máy này — các bản ghi chưa gửi sẽ mất.',
      waiting: 'Chờ gửi lúc liên lạc cuối',
      waitingUnknown: 'Chưa rõ',
      waitingLost: '{{count}} bản ghi chưa gửi đã mất cùng máy',
      lastContact: 'Liên lạc cuối: {{at}}',
    },
  },
};

export const retirementEn: typeof retirementVi = {
  dashboard: {
    admin: {
      setting_phoneRetentionDays: 'Days a sent record stays on a phone (7–365)',
      phoneRetentionTooLong: 'Days kept on phones cannot be more than the time member details are kept ({{days}} days).',
    },
    devices: {
      retire: 'Retire',
      lost: 'Report lost',
      retiredBadge: 'Retired',
      lostBadge: 'Reported lost',
      retireConfirm:
        'Retire the device of {{name}}? It still sends the records waiting on it; once they are in, it wipes all personal data. To use it again, enrol it with a new code.',
      lostConfirm:
        'Report the device of {{name}} lost or stolen? At its next contact its personal data is wiped at once and the server accepts nothing more from it — records not yet sent are lost.',
      waiting: 'Waiting at last contact',
      waitingUnknown: 'Unknown',
      waitingLost: '{{count}} unsent records lost with the phone',
      lastContact: 'Last contact: {{at}}',
    },
  },
};
