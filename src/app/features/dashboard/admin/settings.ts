// Settings panel: the ward's whole-number settings (adult age, VNeID minimum age, retention).
import type { WardSettings } from '../api.js';
import { invalid, valid, type Checked } from './panel.js';

export const SETTING_KEYS = ['adultAge', 'vneidMinAge', 'retentionMonths'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export type SettingsDraft = Record<SettingKey, string>;

export function settingsDraft(settings: WardSettings): SettingsDraft {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, String(settings[k])])) as SettingsDraft;
}

/** The patch to send; the first value that is not a whole number is named. */
export function checkSettings(draft: Partial<SettingsDraft>): Checked<Pick<WardSettings, SettingKey>> {
  const patch: Partial<Pick<WardSettings, SettingKey>> = {};
  for (const k of SETTING_KEYS) {
    // As before: an empty box is Number('') = 0, a whole number; the server checks the range.
    const n = Number(draft[k]);
    if (!Number.isInteger(n)) return invalid({ key: 'dashboard.admin.settingInvalid', values: { name: { key: `dashboard.admin.setting_${k}` } } });
    patch[k] = n;
  }
  return valid(patch as Pick<WardSettings, SettingKey>);
}
