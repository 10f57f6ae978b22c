// The ward administration panels' logic without a browser: each panel's draft from the server's
// data, its check (nothing is sent when it fails), and the shared check → send → status step.
import i18next from 'i18next';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError } from '../../src/app/features/dashboard/api.js';
import { failed, invalid, SAVED, submit, valid } from '../../src/app/features/dashboard/admin/panel.js';
import { blankRow, checkRegister, editRow, importedStatus, registerFailure, registerRows, removeRow } from '../../src/app/features/dashboard/admin/register.js';
import { checkSettings, settingsDraft } from '../../src/app/features/dashboard/admin/settings.js';
import { checkTargets, targetsDraft, targetYears } from '../../src/app/features/dashboard/admin/targets.js';
import { afterPasswordReset, afterUserAdded, checkNewUser, checkReset, EMPTY_USERS_DRAFT, userAddedStatus } from '../../src/app/features/dashboard/admin/users.js';
import { dashboardEn, dashboardVi } from '../../src/app/features/dashboard/locales.js';
import { errorText, say } from '../../src/app/features/dashboard/messages.js';
import { INDICATOR_CODES } from '../../src/shared/domain/indicators.js';

describe('submit: check → send → status', () => {
  it('sends nothing when the check failed and shows why', async () => {
    const send = vi.fn();
    const r = await submit(invalid({ key: 'dashboard.admin.rowInvalid', values: { row: 2 } }), send);
    expect(send).not.toHaveBeenCalled();
    expect(r).toEqual({ saved: false, status: { ok: false, text: { key: 'dashboard.admin.rowInvalid', values: { row: 2 } } } });
  });

  it('sends the checked value and says saved, or what the answer says', async () => {
    const send = vi.fn(async (v: number) => ({ doubled: v * 2 }));
    expect(await submit(valid(4), send)).toEqual({ saved: true, status: SAVED });
    expect(send).toHaveBeenCalledWith(4);
    const r = await submit(valid(4), send, (res, v) => ({ ok: true, text: `${v}→${res.doubled}` }));
    expect(r.status.text).toBe('4→8');
  });

  it("turns a failure into the server's message, or ours when there was no answer", async () => {
    const r = await submit(valid(1), () => Promise.reject(new ApiError(409, 'x', 'Đã có tài khoản này.')));
    expect(r).toEqual({ saved: false, status: { ok: false, text: 'Đã có tài khoản này.' } });
    expect(failed(new NetworkError('offline')).text).toEqual({ key: 'dashboard.error.network' });
    expect(errorText(new ApiError(500, '500', ''))).toEqual({ key: 'dashboard.error.generic', values: { status: 500 } });
  });
});

describe('targets', () => {
  const stored = { '2026': { vneid: 0.85, digital_signature: 0.845 } };

  it('shows fractions as percentages, empty where the plan sets none', () => {
    const draft = targetsDraft(stored, '2026');
    expect(Object.keys(draft).sort()).toEqual([...INDICATOR_CODES].sort());
    expect(draft.vneid).toBe('85');
    expect(draft.digital_signature).toBe('84.5');
    expect(draft.vneid_level2).toBe('');
    expect(Object.values(targetsDraft(undefined, '2026')).every((v) => v === '')).toBe(true);
  });

  it('sends every year, with the edited year replaced (comma decimals, empty left out)', () => {
    const r = checkTargets({ ...stored, '2025': { vneid: 0.7 } }, '2026', { vneid: '90', digital_signature: '84,5', vneid_level2: ' ' }, 'vi');
    expect(r).toEqual({ ok: true, value: { '2025': { vneid: 0.7 }, '2026': { vneid: 0.9, digital_signature: 0.845 } } });
  });

  it('names the indicator whose value is outside 0–100', () => {
    const r = checkTargets(stored, '2026', { vneid: '101' }, 'en');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status.text).toMatchObject({ key: 'dashboard.admin.targetInvalid', values: { name: expect.stringMatching(/VNeID/) } });
    expect(checkTargets(stored, '2026', { vneid: 'abc' }, 'vi').ok).toBe(false);
    expect(checkTargets(stored, '2026', { vneid: '-1' }, 'vi').ok).toBe(false);
  });

  it('offers the years with targets and the next five', () => {
    expect(targetYears({ '2025': {} }, 2026)).toEqual(['2025', '2026', '2027', '2028', '2029', '2030']);
  });
});

describe('settings', () => {
  it('edits whole numbers and names the first that is not', () => {
    // phoneRetentionDays absent (a ward stored before it): the value in force, 90, is shown.
    const draft = settingsDraft({ adultAge: 15, vneidMinAge: 14, retentionMonths: 24, mobilePrefixes: ['09'] });
    expect(draft).toEqual({ adultAge: '15', vneidMinAge: '14', retentionMonths: '24', phoneRetentionDays: '90' });
    expect(checkSettings({ ...draft, retentionMonths: '36' })).toEqual({ ok: true, value: { adultAge: 15, vneidMinAge: 14, retentionMonths: 36, phoneRetentionDays: 90 } });
    const bad = checkSettings({ ...draft, vneidMinAge: '14.5' });
    expect(bad).toEqual({ ok: false, status: { ok: false, text: { key: 'dashboard.admin.settingInvalid', values: { name: { key: 'dashboard.admin.setting_vneidMinAge' } } } } });
  });

  it('refuses more days on the phones than the months kept on the server, naming the limit', () => {
    const draft = settingsDraft({ adultAge: 18, vneidMinAge: 14, retentionMonths: 2, phoneRetentionDays: 60 });
    expect(checkSettings(draft).ok).toBe(true);
    expect(checkSettings({ ...draft, phoneRetentionDays: '61' })).toEqual({
      ok: false,
      status: { ok: false, text: { key: 'dashboard.admin.phoneRetentionTooLong', values: { days: '60' } } },
    });
    // A short server retention makes the default shorter too (never an invalid value in force).
    expect(settingsDraft({ adultAge: 18, vneidMinAge: 14, retentionMonths: 1 }).phoneRetentionDays).toBe('30');
  });
});

describe('register', () => {
  const groups = [{ code: 'TDP01', name: 'Tổ 1', householdsOnRegister: 120 }];

  it('edits rows and sends them trimmed', () => {
    let rows = registerRows(groups);
    rows = [...rows, blankRow()];
    rows = editRow(rows, 1, { code: ' TDP02 ', name: 'Tổ 2 ', households: '80' });
    expect(checkRegister(rows)).toEqual({ ok: true, value: [...groups, { code: 'TDP02', name: 'Tổ 2', householdsOnRegister: 80 }] });
    expect(removeRow(rows, 0).map((r) => r.code)).toEqual([' TDP02 ']);
  });

  it('names the first incomplete row (1-based)', () => {
    const rows = [...registerRows(groups), { code: 'TDP02', name: '', households: '3' }, { code: 'TDP03', name: 'Tổ 3', households: '-1' }];
    expect(checkRegister(rows)).toEqual({ ok: false, status: { ok: false, text: { key: 'dashboard.admin.rowInvalid', values: { row: 2 } } } });
  });

  it("shows the server's per-line CSV errors, or the groups still in use", () => {
    const csvError = new ApiError(400, 'csv_invalid', 'CSV có lỗi.', { lines: [{ line: 3, message: 'thiếu tên' }] });
    expect(registerFailure(csvError)).toEqual({ ok: false, text: 'CSV có lỗi.', lines: [{ key: 'dashboard.admin.csvLine', values: { line: 3, message: 'thiếu tên' } }] });
    const inUse = new ApiError(409, 'groups_in_use', 'Tổ đang có hộ.', { groups: ['TDP01'] });
    expect(registerFailure(inUse)).toEqual({ ok: false, text: 'Tổ đang có hộ.', lines: ['TDP01'] });
    expect(registerFailure(new NetworkError('x'))).toEqual({ ok: false, text: { key: 'dashboard.error.network' } });
    expect(importedStatus({ groups })).toEqual({ ok: true, text: { key: 'dashboard.admin.imported', values: { count: 1 } } });
  });
});

describe('users', () => {
  it('adds an account with the name trimmed, then empties name and password but keeps the role', () => {
    const draft = { ...EMPTY_USERS_DRAFT, username: ' lan.anh ', password: 'một mật khẩu dài', role: 'ward_admin' as const };
    const r = checkNewUser(draft);
    expect(r).toEqual({ ok: true, value: { username: 'lan.anh', password: 'một mật khẩu dài', role: 'ward_admin' } });
    if (!r.ok) return;
    expect(userAddedStatus({ id: 'u1' }, r.value).text).toEqual({ key: 'dashboard.admin.userAdded', values: { user: 'lan.anh' } });
    expect(afterUserAdded(draft)).toEqual({ ...EMPTY_USERS_DRAFT, role: 'ward_admin' });
  });

  it('resets a password, then closes the form and forgets the password typed', () => {
    const draft = { ...EMPTY_USERS_DRAFT, resetFor: 'u1', newPassword: 'mật khẩu mới dài' };
    expect(checkReset(draft, 'u1')).toEqual({ ok: true, value: { id: 'u1', password: 'mật khẩu mới dài' } });
    expect(afterPasswordReset(draft)).toEqual(EMPTY_USERS_DRAFT);
  });
});

describe('messages', () => {
  it('translates a key, its values (a value may be a key itself) and leaves server text as it is', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'vi', resources: { vi: { translation: dashboardVi }, en: { translation: dashboardEn } } });
    const bad = checkSettings({ adultAge: 'x' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(say(i18n.t, bad.status.text)).toBe('“Tuổi tính là người trưởng thành” phải là số nguyên.');
    expect(say(i18n.t, { key: 'dashboard.admin.csvLine', values: { line: 3, message: 'thiếu tên' } })).toBe('Dòng 3: thiếu tên');
    expect(say(i18n.t, 'Đã có tài khoản này.')).toBe('Đã có tài khoản này.');
    await i18n.changeLanguage('en');
    expect(say(i18n.t, SAVED.text)).toBe(dashboardEn.dashboard.admin.saved);
  });
});
