// The filters shared by the overview, breakdowns, trend and exports: tổ dân phố, the year whose
// targets apply, and the cut-off date (records surveyed up to that day; left empty, a past
// year's 31/12 or none: shared/domain/cut-off.ts, the server's rule too).
import { useTranslation } from 'react-i18next';
import { defaultCutOff } from '../../../shared/domain/cut-off.js';
import type { RegisterGroup } from './api.js';
import { useDashboard } from './context.js';
import { formatDate, todayVietnam } from './format.js';
import { DateInput } from '../../ui/DateInput.js';

export function FilterBar({ groups, showGroup = true }: { groups: RegisterGroup[] | undefined; showGroup?: boolean }) {
  const { t } = useTranslation();
  const { filters, setFilters } = useDashboard();
  const today = todayVietnam();
  const thisYear = Number(today.slice(0, 4));
  const yearEnd = defaultCutOff(filters.year, today);
  const years: number[] = [];
  for (let y = thisYear - 3; y <= Math.max(thisYear + 4, 2030); y++) years.push(y);
  return (
    <form className="dash-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('dashboard.filters.label')}>
      {showGroup ? (
        <div className="field">
          <label htmlFor="dash-group">{t('dashboard.filters.group')}</label>
          <select id="dash-group" value={filters.group} onChange={(e) => setFilters({ ...filters, group: e.target.value })} data-testid="dash-filter-group">
            <option value="">{t('dashboard.filters.allGroups')}</option>
            {(groups ?? []).map((g) => (
              <option key={g.code} value={g.code}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="dash-year">{t('dashboard.filters.year')}</label>
        <select id="dash-year" value={filters.year} onChange={(e) => setFilters({ ...filters, year: e.target.value })} data-testid="dash-filter-year">
          {years.map((y) => (
            <option key={y} value={String(y)}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <DateInput
          id="dash-asof"
          label={t('dashboard.filters.asOf')}
          value={filters.asOf}
          max={today}
          onChange={(asOf) => setFilters({ ...filters, asOf })}
          testId="dash-filter-asof"
        />
        <span className="dash-hint" data-testid="dash-asof-hint">
          {yearEnd ? t('dashboard.filters.asOfHintYearEnd', { date: formatDate(yearEnd), year: filters.year }) : t('dashboard.filters.asOfHint')}
        </span>
      </div>
    </form>
  );
}
