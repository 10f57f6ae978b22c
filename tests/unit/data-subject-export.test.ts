// The readable copy of a person's data: typed text never becomes markup, both languages label
// the retention date, and the page carries nothing from elsewhere (no scripts, links or images).
import { describe, expect, it } from 'vitest';
import { findSeedWard } from '../../seeds/index.js';
import { exportHtml, exportJson } from '../../src/server/services/data-subject-export.js';
import type { HeldItem } from '../../src/server/services/data-subject.js';
import type { DataRequest } from '../../src/server/services/data-subject-requests.js';

const config = findSeedWard('10546')!;
const request = { id: '11111111-2222-4333-8444-555555555555', kind: 'access', receivedOn: '2026-12-04' } as DataRequest;
const item: HeldItem = {
  ref: { kind: 'member', recordId: 'r1', memberId: 'm1' },
  heldIn: { recordKind: 'household', recordId: 'r1', memberId: 'm1', latestRev: 2, revisions: 2, conflicts: 0 },
  groupCode: 'TDP01',
  groupName: 'Tổ dân phố 1',
  surveyedAt: '2026-11-20',
  retentionUntil: '2029-11-20',
  voided: false,
  consent: { given: true, consenterRelation: 'head', consentedAt: '2026-11-20T08:00:00.000Z', method: 'verbal', noticeVersion: '2026-01' },
  address: { houseNumber: '12', street: 'Lê Lợi' },
  note: null,
  people: [{ id: 'm1', name: '<img src=x onerror=alert(1)> Nguyễn "A" & B', birthYear: 1990, sex: 'female' }],
};

describe('the personal-data export', () => {
  it('escapes typed text and loads nothing from elsewhere', () => {
    const html = exportHtml(config, request, [item], 'vi', new Date('2026-12-05T01:00:00Z'));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Nguyễn &quot;A&quot; &amp; B');
    expect(html).not.toMatch(/<script|\bsrc=["']?http|<link|@import|url\(/);
    expect(html).toContain('Lưu đến (sau đó xóa thông tin cá nhân)</th><td>2029-11-20');
    expect(html).toContain('Phiếu hộ r1, thành viên m1 (2 lần lưu (phiên bản); 0 bản ghi xung đột chờ xem xét)');
  });

  it('speaks English when asked, and the JSON carries the same items with the request and ward', () => {
    expect(exportHtml(config, request, [item], 'en')).toContain('Kept until (personal fields erased after)');
    expect(exportHtml(config, request, [], 'en')).toContain('No data is linked to this request.');
    const json = exportJson(config, request, [item]);
    expect(json).toMatchObject({ ward: { code: '10546' }, request: { id: request.id, kind: 'access' }, retentionMonths: 36, items: [item] });
  });
});
