// Dashboard messages for receiving a broken phone's rescue file (issue 14, point 5). Merged
// into the dashboard's bundle by loadDashboardLocales.
export const rescueDashVi = {
  dashboard: {
    tab: { rescue: 'Nhận hồ sơ từ máy hỏng' },
    rescue: {
      title: 'Nhận hồ sơ từ máy hỏng',
      intro:
        'Khi điện thoại của tình nguyện viên không gửi được về phường (hỏng, mất mạng, máy đã cho nghỉ), máy xuất các hồ sơ chưa gửi thành một tệp .gocua.json. Chọn tệp đó ở đây: máy chủ kiểm tra chữ ký của máy, mở tệp bằng khóa của phường và lưu từng hồ sơ như khi máy tự đồng bộ. Nhận một tệp hai lần không lưu trùng.',
      choose: 'Tệp hồ sơ từ điện thoại (.gocua.json)',
      upload: 'Nhận tệp',
      uploading: 'Đang kiểm tra và lưu…',
      notAFile: 'Tệp này không phải tệp hồ sơ Gõ Cửa xuất từ điện thoại. Không có gì được lưu.',
      tooLarge: 'Tệp quá lớn (tối đa 8 MB). Không có gì được lưu.',
      summary: 'Tệp của máy {{name}}, tạo lúc {{at}}: {{records}} hồ sơ và {{drafts}} bản nháp.',
      revoked_retired: 'Máy này đã được cho nghỉ; hồ sơ trong tệp vẫn được nhận.',
      revoked_lost: 'Máy này đã được báo mất; hồ sơ trong tệp (có chữ ký của máy) vẫn được nhận.',
      recordsCaption: 'Từng hồ sơ trong tệp',
      draftsCaption: 'Bản nháp chưa hoàn thành',
      draftsNote: 'Bản nháp là phiếu đang điền dở nên không được lưu vào dữ liệu của phường. Hãy nhờ tình nguyện viên hoàn thành các hộ dưới đây trên máy khác.',
      noAddress: '(chưa nhập địa chỉ)',
      rev: 'lần lưu {{rev}}',
      col: { record: 'Hồ sơ', kind: 'Loại', status: 'Kết quả', reason: 'Lý do', address: 'Địa chỉ', group: 'Tổ dân phố', members: 'Số thành viên đã nhập', updated: 'Sửa lần cuối' },
      kind: { household: 'Hộ gia đình', assistance: 'Lượt hỗ trợ' },
      status: {
        accepted: 'Đã lưu',
        duplicate: 'Đã có sẵn (không lưu lại)',
        stale: 'Phường đã có bản mới hơn',
        conflict: 'Khác với bản phường đang có — giữ lại để xem xét',
        rejected: 'Không nhận',
      },
    },
  },
};

export const rescueDashEn: typeof rescueDashVi = {
  dashboard: {
    tab: { rescue: 'Records from a broken phone' },
    rescue: {
      title: 'Records from a broken phone',
      intro:
        'When a volunteer\'s phone cannot send to the ward (broken, no network, a retired phone), it exports its unsent records as one .gocua.json file. Choose that file here: the server checks the phone\'s signature, opens the file with the ward\'s key and stores each record as the phone\'s own sync would. Taking the same file twice stores nothing twice.',
      choose: 'Records file from a phone (.gocua.json)',
      upload: 'Take the file',
      uploading: 'Checking and storing…',
      notAFile: 'This is not a Gõ Cửa records file exported from a phone. Nothing was stored.',
      tooLarge: 'The file is too large (8 MB at most). Nothing was stored.',
      summary: 'File from {{name}}\'s phone, made {{at}}: {{records}} records and {{drafts}} drafts.',
      revoked_retired: 'This phone was retired; the records in its file are still taken.',
      revoked_lost: 'This phone was reported lost; the records in its file (signed by the phone) are still taken.',
      recordsCaption: 'Each record in the file',
      draftsCaption: 'Unfinished drafts',
      draftsNote: 'Drafts are forms filled only part way, so they are not stored in the ward\'s data. Ask the volunteer to finish the households below on another phone.',
      noAddress: '(no address yet)',
      rev: 'save {{rev}}',
      col: { record: 'Record', kind: 'Kind', status: 'Result', reason: 'Reason', address: 'Address', group: 'Residential group', members: 'Members entered', updated: 'Last changed' },
      kind: { household: 'Household', assistance: 'Assistance' },
      status: {
        accepted: 'Stored',
        duplicate: 'Already there (not stored again)',
        stale: 'The ward has a newer version',
        conflict: 'Differs from the ward\'s copy — kept for review',
        rejected: 'Not taken',
      },
    },
  },
};
