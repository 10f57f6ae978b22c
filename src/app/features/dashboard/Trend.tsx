// Weekly trend of the main indicators (cumulative at the end of each ISO week), as a line
// chart and a table, with the households surveyed during each week.
import { useTranslation } from 'react-i18next';
import { LineChart, seriesColor } from './charts.js';
import { filterQuery, useDashboard } from './context.js';
import { DashTable } from './DashTable.js';
import { FilterBar } from './FilterBar.js';
import { formatNumber, formatPercent, formatWeek, formatWeekShort, indicatorName } from './format.js';
import { useGroups, useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';

const MAIN = ['coverage', 'vneid', 'bank_account_15', 'smartphone_adult', 'digital_services', 'household_fibre'] as const;

export default function Trend() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { filters } = useDashboard();
  const groups = useGroups();
  const q = filterQuery(filters);
  const data = useWardLoad((api) => api.weekly(q), [q]);
  const weeks = data.data?.weeks ?? [];
  const series = MAIN.map((code) => ({
    label: indicatorName(code, lang),
    values: weeks.map((w) => w.indicators.find((i) => i.code === code)?.value ?? null),
  }));
  return (
    <section aria-labelledby="dash-trend-title">
      <h2 id="dash-trend-title">{t('dashboard.trend.title')}</h2>
      <FilterBar groups={groups.data} />
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {data.data && weeks.length === 0 ? <p className="notice">{t('dashboard.trend.empty')}</p> : null}
      {weeks.length > 0 ? (
        <>
          <ul className="dash-legend">
            {series.map((s, i) => (
              <li key={s.label}>
                <span className="dash-legend__swatch" style={{ background: seriesColor(i) }} />
                {s.label}
              </li>
            ))}
          </ul>
          <LineChart title={t('dashboard.trend.title')} xLabels={weeks.map((w) => formatWeekShort(w))} series={series} />
          <DashTable
            testId="dash-trend-table"
            caption={t('dashboard.trend.tableCaption')}
            columns={[t('dashboard.trend.week'), t('dashboard.trend.newSurveyed'), ...MAIN.map((c) => indicatorName(c, lang))]}
          >
            {weeks.map((w) => (
              <tr key={w.week}>
                <th scope="row">
                  {formatWeek(w, lang)}
                </th>
                <td>{formatNumber(w.newHouseholds.surveyed, lang)}</td>
                {MAIN.map((c) => (
                  <td key={c}>{formatPercent(w.indicators.find((i) => i.code === c)?.value ?? null, lang)}</td>
                ))}
              </tr>
            ))}
          </DashTable>
        </>
      ) : null}
    </section>
  );
}
