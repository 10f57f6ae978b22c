// Targets panel: a year's indicator targets as percentages typed by ward staff (85 or 84,5; empty
// = the plan sets none) against the fractions the API keeps (0.85, 0.845).
import { INDICATOR_CODES, type IndicatorCode } from '../../../../shared/domain/indicators.js';
import type { TargetsByYear } from '../api.js';
import { indicatorName } from '../format.js';
import { invalid, valid, type Checked } from './panel.js';

export type TargetsDraft = Record<IndicatorCode, string>;

/** Years offered: every year with targets, and this year and the next four. */
export function targetYears(targets: TargetsByYear | undefined, thisYear: number): string[] {
  const years = new Set([...Object.keys(targets ?? {}), ...[0, 1, 2, 3, 4].map((d) => String(thisYear + d))]);
  return [...years].sort();
}

export function targetsDraft(targets: TargetsByYear | undefined, year: string): TargetsDraft {
  const current = targets?.[year] ?? {};
  return Object.fromEntries(
    INDICATOR_CODES.map((c) => {
      const v = current[c];
      return [c, v === undefined ? '' : String(Math.round(v * 1000) / 10)];
    }),
  ) as TargetsDraft;
}

/** All years' targets with `year` replaced by the draft; a value outside 0–100 names its indicator. */
export function checkTargets(targets: TargetsByYear | undefined, year: string, draft: Partial<TargetsDraft>, lang: string): Checked<TargetsByYear> {
  const yearTargets: Partial<Record<IndicatorCode, number>> = {};
  for (const code of INDICATOR_CODES) {
    const raw = (draft[code] ?? '').trim().replace(',', '.');
    if (raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > 100) {
      return invalid({ key: 'dashboard.admin.targetInvalid', values: { name: indicatorName(code, lang) } });
    }
    yearTargets[code] = Math.round(n * 10) / 1000;
  }
  return valid({ ...(targets ?? {}), [year]: yearTargets });
}
