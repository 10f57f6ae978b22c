// Breakdowns: one indicator at a time by tổ dân phố, age band or sex (bar chart and table),
// then every indicator side by side in one table.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IndicatorValue } from './api.js';
import { BarChart } from './charts.js';
import { filterQuery, useDashboard } from './context.js';
import { DashTable } from './DashTable.js';
import { FilterBar } from './FilterBar.js';
import { formatNumber, formatPercent, indicatorName } from './format.js';
import { useGroups, useWardLoad } from './hooks.js';
import { ReachedBadge } from './IndicatorCard.js';
import { LoadError } from './LoadError.js';

type By = 'group' | 'ageBand' | 'sex';

export default function Breakdowns() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { filters } = useDashboard();
  const [by, setBy] = useState<By>('group');
  const [code, setCode] = useState<string>('vneid');
  const groups = useGroups();
  const q = filterQuery(filters, { by }, by !== 'group');
  const data = useWardLoad((api) => api.indicators(q), [q]);
  const rows = data.data?.breakdown ?? [];
  const codes = rows[0]?.indicators.map((i) => i.code) ?? [];
  const chosen = codes.includes(code as IndicatorValue['code']) ? code : (codes[0] ?? code);
  const keyLabel = (key: string) => {
    if (by === 'group') return groups.data?.find((g) => g.code === key)?.name ?? key;
    if (by === 'sex') return t(`sex.${key}`);
    return t('dashboard.breakdown.ageBand', { band: key });
  };
  const pick = (items: IndicatorValue[]) => items.find((i) => i.code === chosen);
  const target = rows.map((r) => pick(r.indicators)?.target ?? null).find((x) => x !== null) ?? null;

  return (
    <section aria-labelledby="dash-breakdown-title">
      <h2 id="dash-breakdown-title">{t('dashboard.breakdown.title')}</h2>
      <FilterBar groups={groups.data} showGroup={by !== 'group'} />
      <div className="dash-filters">
        <div className="field">
          <label htmlFor="dash-by">{t('dashboard.breakdown.by')}</label>
          <select id="dash-by" value={by} onChange={(e) => setBy(e.target.value as By)} data-testid="dash-by">
            <option value="group">{t('dashboard.breakdown.byGroup')}</option>
            <option value="ageBand">{t('dashboard.breakdown.byAge')}</option>
            <option value="sex">{t('dashboard.breakdown.bySex')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="dash-ind">{t('dashboard.breakdown.indicator')}</label>
          <select id="dash-ind" value={chosen} onChange={(e) => setCode(e.target.value)} data-testid="dash-indicator">
            {codes.map((c) => (
              <option key={c} value={c}>
                {indicatorName(c, lang)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {by !== 'group' ? <p className="dash-hint">{t('dashboard.breakdown.membersOnly')}</p> : null}
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {rows.length > 0 ? (
        <>
          <h3 id="dash-bd-one">{indicatorName(chosen, lang)}</h3>
          <BarChart
            title={indicatorName(chosen, lang)}
            target={target}
            bars={rows.map((r) => {
              const v = pick(r.indicators);
              return { label: keyLabel(r.key), value: v?.value ?? null, text: formatPercent(v?.value ?? null, lang) };
            })}
          />
          {target !== null ? <p className="dash-hint">{t('dashboard.breakdown.targetLine', { target: formatPercent(target, lang) })}</p> : null}
          <DashTable
            labelledBy="dash-bd-one"
            testId="dash-breakdown-one"
            columns={[t(`dashboard.breakdown.key_${by}`), t('dashboard.breakdown.value'), t('dashboard.ind.target'), t('dashboard.breakdown.numerator'), t('dashboard.breakdown.denominator'), t('dashboard.ind.unknown')]}
          >
            {rows.map((r) => {
              const v = pick(r.indicators);
              return (
                <tr key={r.key}>
                  <th scope="row">{keyLabel(r.key)}</th>
                  <td>
                    {formatPercent(v?.value ?? null, lang)} {v ? <ReachedBadge item={v} /> : null}
                  </td>
                  <td>{formatPercent(v?.target ?? null, lang)}</td>
                  <td>{v ? formatNumber(v.numerator, lang) : '—'}</td>
                  <td>{v ? formatNumber(v.denominator, lang) : '—'}</td>
                  <td>{v ? formatNumber(v.unknown, lang) : '—'}</td>
                </tr>
              );
            })}
          </DashTable>
          <h3 id="dash-bd-all">{t('dashboard.breakdown.all')}</h3>
          <DashTable matrix labelledBy="dash-bd-all" testId="dash-breakdown-all" columns={[t('dashboard.breakdown.indicator'), ...rows.map((r) => keyLabel(r.key))]}>
            {codes.map((c) => (
              <tr key={c}>
                <th scope="row">{indicatorName(c, lang)}</th>
                {rows.map((r) => {
                  const v = r.indicators.find((i) => i.code === c);
                  return <td key={r.key}>{formatPercent(v?.value ?? null, lang)}</td>;
                })}
              </tr>
            ))}
          </DashTable>
        </>
      ) : data.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}
    </section>
  );
}
