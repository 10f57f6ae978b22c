// An address erased past the ward's retention is shown as "(đã xoá)" / "(erased)" in the
// follow-up lists (phone and dashboard), never as the stored marker in English.
import { describe, expect, it } from 'vitest';
import { followUpWho } from '../../../src/app/features/assistance/follow-up-text.js';
import { i18n, loadAllLocales } from '../../../src/app/i18n/index.js';
import { ERASED_TEXT } from '../../../src/shared/domain/personal-fields.js';
import type { FollowUpItem } from '../../../src/shared/domain/follow-up.js';

const item = (houseNumber: string): FollowUpItem => ({
  kind: 'revisit',
  groupCode: 'TDP01',
  recordId: '00000000-0000-4000-a000-000000000001',
  why: ['not_home'],
  since: '2022-01-01T00:00:00.000Z',
  days: 1000,
  label: { address: { houseNumber } },
});

describe('follow-up words for erased addresses', () => {
  it('translate the marker', async () => {
    await loadAllLocales();
    expect(followUpWho(item(ERASED_TEXT), i18n.getFixedT('vi'))).toBe('(đã xoá)');
    expect(followUpWho(item(ERASED_TEXT), i18n.getFixedT('en'))).toBe('(erased)');
    expect(followUpWho(item('12A'), i18n.getFixedT('en'))).toBe('12A');
  });
});
