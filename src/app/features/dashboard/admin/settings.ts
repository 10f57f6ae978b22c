// Settings panel: the ward's whole-number settings (adult age, VNeID minimum age, retention on
// the server, days a synced record stays on the phones).
import { DAYS_PER_RETENTION_MONTH, phoneRetentionDays } from '../../../../shared/schema/ward-config.js';
import type { WardSettings } from '../api.js';
import { invalid, valid, type Checked } from './panel.js';

export const SETTING_KEYS = ['adultAge', 'vneidMinAge', 'retentionMonths', 'phoneRetentionDays'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export type SettingsDraft = Record<SettingKey, string>;
type SettingsPatch = Required<Pick<WardSettings, SettingKey>>;

export function settingsDraft(settings: WardSettings): SettingsDraft {
  // phoneRetentionDays may be absent (a ward stored before it): the value in force is shown.
  return Object.fromEntries(
    SETTING_KEYS.map((k) => [k, String(k === 'phoneRetentionDays' ? phoneRetentionDays(settings) : settings[k])]),
  ) as SettingsDraft;
}

/**
 * The patch to send; the first value that is not a whole number is named, and days on the
 * phones longer than the months kept on the server are refused here, in the admin's language
 * (the server checks both again).
 */
export function checkSettings(draft: Partial<SettingsDraft>): Checked<SettingsPatch> {
  const patch: Partial<SettingsPatch> = {};
  for (const k of SETTING_KEYS) {
    // As before: an empty box is Number('') = 0, a whole number; the server checks the range.
    const n = Number(draft[k]);
    if (!Number.isInteger(n)) return invalid({ key: 'dashboard.admin.settingInvalid', values: { name: { key: `dashboard.admin.setting_${k}` } } });
    patch[k] = n;
  }
  const full = patch as SettingsPatch;
  if (full.phoneRetentionDays > full.retentionMonths * DAYS_PER_RETENTION_MONTH) {
    return invalid({ key: 'dashboard.admin.phoneRetentionTooLong', values: { days: String(full.retentionMonths * DAYS_PER_RETENTION_MONTH) } });
  }
  return valid(full);
}
