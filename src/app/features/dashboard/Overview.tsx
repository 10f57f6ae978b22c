// Overview: survey coverage (surveyed / on the register, per tổ dân phố), visits by outcome,
// then one card per indicator, for the chosen tổ dân phố, year and cut-off.
import { useTranslation } from 'react-i18next';
import { filterQuery, useDashboard } from './context.js';
import { DashTable } from './DashTable.js';
import { FilterBar } from './FilterBar.js';
import { formatDate, formatNumber, formatPercent } from './format.js';
import { useGroups, useWardLoad } from './hooks.js';
import { IndicatorCard } from './IndicatorCard.js';
import { LoadError } from './LoadError.js';

export function Overview() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { filters } = useDashboard();
  const groups = useGroups();
  const q = filterQuery(filters);
  // The answer carries its query so the page (and the browser test) knows which filters it shows.
  const overview = useWardLoad((api) => api.indicators(q).then((d) => ({ ...d, query: q })), [q]);
  const perGroupQ = filterQuery(filters, { by: 'group' }, false);
  const perGroup = useWardLoad((api) => api.indicators(perGroupQ), [perGroupQ]);
  const data = overview.data;
  const groupName = (code: string) => groups.data?.find((g) => g.code === code)?.name ?? code;
  const hh = data?.households;

  return (
    <section aria-labelledby="dash-overview-title">
      <h2 id="dash-overview-title">{t('dashboard.overview.title')}</h2>
      <FilterBar groups={groups.data} />
      {overview.error ? <LoadError error={overview.error} onRetry={overview.reload} /> : null}
      {!data ? (
        overview.error ? null : <p className="notice">{t('app.loading')}</p>
      ) : (
        <div aria-busy={overview.loading} data-testid="dash-overview" data-loading={overview.loading ? 'true' : 'false'} data-query={data.query}>
          {/* The cut-off the server used (a past year's 31/12 when none was picked). */}
          <p className="dash-hint" data-testid="dash-cut-off">
            {data.asOf ? t('dashboard.overview.cutOff', { date: formatDate(data.asOf), year: filters.year }) : t('dashboard.overview.noCutOff', { year: filters.year })}
          </p>
          <h3>{filters.group ? t('dashboard.overview.coverageOf', { group: groupName(filters.group) }) : t('dashboard.overview.coverage')}</h3>
          <ul className="dash-stats">
            <li className="dash-stat">
              <span className="dash-stat__value">
                <span data-testid="hh-surveyed">{formatNumber(hh!.surveyed, lang)}</span> / <span data-testid="hh-on-register">{formatNumber(hh!.onRegister, lang)}</span>
              </span>
              <span className="dash-stat__label">
                {t('dashboard.overview.surveyedOfRegister')} ({formatPercent(hh!.onRegister ? hh!.surveyed / hh!.onRegister : null, lang)})
              </span>
            </li>
            <li className="dash-stat">
              <span className="dash-stat__value" data-testid="hh-not-home">
                {formatNumber(hh!.notHome, lang)}
              </span>
              <span className="dash-stat__label">{t('dashboard.overview.notHome')}</span>
            </li>
            <li className="dash-stat">
              <span className="dash-stat__value" data-testid="hh-refused">
                {formatNumber(hh!.refused, lang)}
              </span>
              <span className="dash-stat__label">{t('dashboard.overview.refused')}</span>
            </li>
          </ul>
          <h3>{t('dashboard.overview.indicators')}</h3>
          <div className="dash-grid">
            {data.indicators.map((item) => (
              <IndicatorCard key={item.code} item={item} />
            ))}
          </div>
        </div>
      )}
      <h3 id="dash-group-coverage">{t('dashboard.overview.perGroup')}</h3>
      {perGroup.error ? <LoadError error={perGroup.error} onRetry={perGroup.reload} /> : null}
      {perGroup.data?.breakdown ? (
        <DashTable
          labelledBy="dash-group-coverage"
          testId="dash-group-coverage"
          columns={[t('dashboard.filters.group'), t('dashboard.overview.surveyed'), t('dashboard.overview.onRegister'), t('dashboard.overview.coverageRate'), t('dashboard.overview.notHome'), t('dashboard.overview.refused')]}
        >
          {perGroup.data.breakdown.map((b) => {
            const h = b.households;
            return (
              <tr key={b.key}>
                <th scope="row">{groupName(b.key)}</th>
                <td>{h ? formatNumber(h.surveyed, lang) : '—'}</td>
                <td>{h ? formatNumber(h.onRegister, lang) : '—'}</td>
                <td>{h ? formatPercent(h.onRegister ? h.surveyed / h.onRegister : null, lang) : '—'}</td>
                <td>{h ? formatNumber(h.notHome, lang) : '—'}</td>
                <td>{h ? formatNumber(h.refused, lang) : '—'}</td>
              </tr>
            );
          })}
        </DashTable>
      ) : null}
    </section>
  );
}
