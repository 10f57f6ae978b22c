// The city roll-up screens (issue 15): for a city account after sign-in, lazy-loaded by
// DashboardScreen. The roll-up of every ward of the province held by this endpoint (sortable,
// each ward against its own target and straight-line plan, the rules said on the screen), the
// province's weekly trend and exports; one ward's indicators, weekly trend and CSV (read-only);
// and, for the city admin, the province's audit log. Hidden cells ("<5") come hidden from the server.
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { IndicatorCode } from '../../../../shared/domain/indicators.js';
import type { CityCell, CityRollup, CityWeekly } from '../../../../shared/protocol/city.js';
import { ApiError, type CitySession } from '../api.js';
import { LineChart } from '../charts.js';
import { wardHref } from '../context.js';
import { formatDate, formatDateTime, formatNumber, formatPercent, formatWeekShort, indicatorName, saveBlob, todayVietnam } from '../format.js';
import { LoadError } from '../LoadError.js';
import { useErrorMessage, useLoad } from '../use-load.js';
import { cityApi, cityQuery, type CityApi } from './city-api.js';
import { nextSort, sortWards, type Sort, type SortKey } from './sort.js';

export interface CityScreenProps {
  session: CitySession;
  /** The path after #/ward: [] (roll-up), ['city-ward', code], ['city-audit']. */
  sub: string[];
  onSignOut: () => void;
  onExpired: () => void;
}

interface Filters {
  year: string;
  asOf: string;
}

type T = ReturnType<typeof useTranslation>['t'];

function cellText(c: CityCell | undefined, lang: string, t: T): string {
  if (!c) return '—';
  if (c.suppressed === 'small') return t('city.small');
  if (c.suppressed === 'complementary') return t('city.hidden');
  return formatPercent(c.value, lang);
}

/** A cell: the value, "/ target", and a worded mark when behind plan (never colour alone). */
function CellView({ c, lang, t }: { c: CityCell | undefined; lang: string; t: T }) {
  return (
    <>
      <span className={c?.behindPlan ? 'city-behind' : undefined}>{cellText(c, lang, t)}</span>
      {c && c.target !== null ? <span className="city-target"> / {formatPercent(c.target, lang)}</span> : null}
      {c?.behindPlan ? <span className="badge badge--warn city-behind-mark"> ▼ {t('city.behindMark')}</span> : null}
    </>
  );
}

function useDownload(api: CityApi, onExpired: () => void) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState<string>();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const download = async (path: string, fileName: string) => {
    setBusy(path);
    setStatus(undefined);
    try {
      saveBlob(await api.download(path), fileName);
      setStatus({ ok: true, text: t('city.exportDone') });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onExpired();
      setStatus({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(undefined);
    }
  };
  const line = status ? (
    <p className={`banner ${status.ok ? 'banner--ok' : 'banner--error'}`} role="status" data-testid="city-export-status">
      {status.text}
    </p>
  ) : null;
  return { busy, download, line };
}

function FilterBar({ filters, setFilters }: { filters: Filters; setFilters: (f: Filters) => void }) {
  const { t } = useTranslation();
  return (
    <div className="dash-filters">
      <div className="field">
        <label htmlFor="city-year">{t('city.year')}</label>
        <input id="city-year" type="number" inputMode="numeric" min={2020} max={2100} value={filters.year} onChange={(e) => setFilters({ ...filters, year: e.target.value })} data-testid="city-year" />
      </div>
      <div className="field">
        <label htmlFor="city-asof">{t('city.asOf')}</label>
        <input id="city-asof" type="date" value={filters.asOf} onChange={(e) => setFilters({ ...filters, asOf: e.target.value })} aria-describedby="city-asof-hint" data-testid="city-asof" />
        <p className="dash-hint" id="city-asof-hint">
          {t('city.asOfHint')}
        </p>
      </div>
    </div>
  );
}

function Rules({ r }: { r: CityRollup }) {
  const { t, i18n } = useTranslation();
  const wardName = (code: string) => r.wards.find((w) => w.code === code)?.name ?? code;
  return (
    <section className="city-rules" aria-labelledby="city-rules-title" data-testid="city-rules">
      <h3 id="city-rules-title">{t('city.rules.title')}</h3>
      <ul>
        <li>{t('city.rules.own')}</li>
        <li data-testid="city-rule-plan">{t('city.rules.plan', { start: formatDate(r.startAsOf) })}</li>
        <li data-testid="city-rule-total">{t('city.rules.total')}</li>
        <li>{r.targetSources.length > 0 ? t('city.rules.provinceTarget', { sources: r.targetSources.join('; ') }) : t('city.rules.noProvinceTarget')}</li>
        <li>{t('city.rules.small', { min: r.smallCellMin })}</li>
        {r.denominatorDifferences.map((d) => (
          <li key={d.setting} data-testid={`city-denominator-${d.setting}`}>
            {t('city.rules.denominator', {
              setting: t(`city.rules.${d.setting}`),
              values: d.values.map((v) => t('city.rules.ageAt', { age: v.age, wards: v.wards.map(wardName).join(', ') })).join('; '),
              indicators: d.indicators.map((c) => indicatorName(c, i18n.language)).join('; '),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SortHeading({ label, sortKey, sort, setSort }: { label: string; sortKey: SortKey; sort: Sort; setSort: (s: Sort) => void }) {
  const { t } = useTranslation();
  const active = sort.key === sortKey;
  return (
    <th scope="col" aria-sort={active ? (sort.ascending ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="city-sort" title={t('city.sortBy', { column: label })} onClick={() => setSort(nextSort(sort, sortKey))} data-testid={`city-sort-${sortKey}`}>
        {label}
        
        {active ? <span aria-hidden="true">{sort.ascending ? ' ▲' : ' ▼'}</span> : null}
      </button>
    </th>
  );
}

const TREND_CODES: IndicatorCode[] = ['coverage', 'vneid', 'digital_services'];

function WeeklyTrend({ weekly }: { weekly: CityWeekly | undefined }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (!weekly) return null;
  if (weekly.weeks.length === 0) return <p className="notice">{t('city.noWeeks')}</p>;
  const weeks = weekly.weeks.slice(-12);
  return (
    <section aria-labelledby="city-trend-title" data-testid="city-trend">
      <h3 id="city-trend-title">{t('city.trend')}</h3>
      <LineChart
        title={t('city.trend')}
        xLabels={weeks.map((w) => formatWeekShort(w))}
        series={TREND_CODES.map((code) => ({ label: indicatorName(code, lang), values: weeks.map((w) => w.indicators.find((i) => i.code === code)?.value ?? null) }))}
      />
      <div className="dash-table-wrap" role="region" tabIndex={0} aria-labelledby="city-trend-title">
        <table className="dash-table">
          <thead>
            <tr>
              <th scope="col">{t('city.week')}</th>
              {TREND_CODES.map((code) => (
                <th scope="col" key={code}>
                  {indicatorName(code, lang)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((w) => (
              <tr key={w.week}>
                <th scope="row">{formatWeekShort(w)}</th>
                {TREND_CODES.map((code) => (
                  <td key={code} className="num">
                    {cellText(w.indicators.find((i) => i.code === code), lang, t)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RollupView({ api, filters, session, onExpired }: { api: CityApi; filters: Filters; session: CitySession; onExpired: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = cityQuery(filters.year, filters.asOf);
  const rollup = useLoad(() => api.rollup(q), [api, q], onExpired);
  const weekly = useLoad(() => api.weekly(q), [api, q], onExpired);
  const [sort, setSort] = useState<Sort>({ key: 'name', ascending: true });
  const { busy, download, line } = useDownload(api, onExpired);
  const r = rollup.data;
  const rows = useMemo(() => (r ? sortWards(r.wards, sort) : []), [r, sort]);
  if (rollup.error && !r) return <LoadError error={rollup.error} onRetry={rollup.reload} />;
  if (!r) return <p className="notice">{t('app.loading')}</p>;
  const codes = r.total.indicators.map((i) => i.code).filter((c) => c !== 'coverage');
  const file = (ext: string) => `tong-hop-${session.province.code}-${r.asOf}.${ext}`;
  return (
    <>
      <p data-testid="city-figures-to">{t('city.figuresTo', { date: formatDate(r.asOf) })}</p>
      <Rules r={r} />
      <div className="dash-table-wrap" role="region" tabIndex={0} aria-labelledby="city-table-caption">
        <table className="dash-table dash-table--matrix" data-testid="city-table">
          <caption id="city-table-caption">{t('city.title', { province: r.province.name })}</caption>
          <thead>
            <tr>
              <SortHeading label={t('city.ward')} sortKey="name" sort={sort} setSort={setSort} />
              <SortHeading label={t('city.coverage')} sortKey="coverage" sort={sort} setSort={setSort} />
              <SortHeading label={t('city.behind')} sortKey="behind" sort={sort} setSort={setSort} />
              {codes.map((code) => (
                <SortHeading key={code} label={indicatorName(code, lang)} sortKey={code} sort={sort} setSort={setSort} />
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr key={w.code} data-ward={w.code} data-testid="city-ward-row">
                <th scope="row">
                  <a href={wardHref('city-ward', w.code)} data-testid={`city-ward-link-${w.code}`}>
                    {w.name}
                  </a>
                  {!w.hasData ? (
                    <span className="badge" data-testid="city-no-data">
                      {' '}
                      {t('city.noData')}
                    </span>
                  ) : null}
                </th>
                <td className="num">
                  <CellView c={w.indicators.find((i) => i.code === 'coverage')} lang={lang} t={t} />
                  <br />
                  <span className="city-target">
                    {formatNumber(w.households.surveyed, lang)} / {formatNumber(w.households.onRegister, lang)}
                  </span>
                </td>
                <td className="num">{w.hasData ? w.behindCount : '—'}</td>
                {codes.map((code) => (
                  <td key={code} className="num" data-code={code}>
                    <CellView c={w.indicators.find((i) => i.code === code)} lang={lang} t={t} />
                  </td>
                ))}
              </tr>
            ))}
            <tr className="city-total" data-testid="city-total-row">
              <th scope="row">{t('city.total', { province: r.province.name })}</th>
              <td className="num">
                <CellView c={r.total.indicators.find((i) => i.code === 'coverage')} lang={lang} t={t} />
                <br />
                <span className="city-target">
                  {formatNumber(r.total.households.surveyed, lang)} / {formatNumber(r.total.households.onRegister, lang)}
                </span>
              </td>
              <td className="num">—</td>
              {codes.map((code) => (
                <td key={code} className="num" data-code={code}>
                  <CellView c={r.total.indicators.find((i) => i.code === code)} lang={lang} t={t} />
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      <WeeklyTrend weekly={weekly.data} />
      <section aria-labelledby="city-exports-title">
        <h3 id="city-exports-title">{t('city.exports')}</h3>
        <div className="dash-actions">
          <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void download(`/rollup.csv${q}`, file('csv'))} data-testid="city-export-csv">
            {t('city.exportCsv')}
          </button>
          <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void download(`/rollup.xlsx${q}`, file('xlsx'))} data-testid="city-export-xlsx">
            {t('city.exportXlsx')}
          </button>
          <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void download(`/report${q}`, file('html'))} data-testid="city-export-report">
            {t('city.exportReport')}
          </button>
        </div>
        {line}
      </section>
    </>
  );
}

function statusText(c: CityCell, t: T): string {
  if (c.suppressed !== null || c.value === null) return '';
  if (c.reached) return t('city.reached');
  if (c.behindPlan === true) return t('city.behindPlan');
  if (c.behindPlan === false) return t('city.onPlan');
  return '';
}

function WardView({ api, code, filters, onExpired }: { api: CityApi; code: string; filters: Filters; onExpired: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = cityQuery(filters.year, filters.asOf);
  const detail = useLoad(() => api.ward(code, q), [api, code, q], onExpired);
  const weekly = useLoad(() => api.wardWeekly(code, q), [api, code, q], onExpired);
  const { busy, download, line } = useDownload(api, onExpired);
  const back = (
    <p>
      <a href={wardHref()} data-testid="city-back">
        {t('city.back')}
      </a>
    </p>
  );
  if (detail.error && !detail.data) {
    return (
      <>
        {back}
        {detail.error instanceof ApiError && detail.error.status === 404 ? <p className="notice">{t('city.unknownWard')}</p> : <LoadError error={detail.error} onRetry={detail.reload} />}
      </>
    );
  }
  const d = detail.data;
  if (!d) return <p className="notice">{t('app.loading')}</p>;
  return (
    <>
      {back}
      <h2 data-testid="city-ward-title">{t('city.wardTitle', { ward: d.ward.name })}</h2>
      <p>{t('city.figuresTo', { date: formatDate(d.asOf) })}</p>
      <p className="notice">{t('city.readOnly')}</p>
      {!d.ward.hasData ? <p className="notice">{t('city.noData')}</p> : null}
      <div className="dash-table-wrap" role="region" tabIndex={0} aria-labelledby="city-ward-title">
        <table className="dash-table" data-testid="city-ward-table">
          <thead>
            <tr>
              <th scope="col">{t('city.indicator')}</th>
              <th scope="col">{t('city.value')}</th>
              <th scope="col">{t('city.target')}</th>
              <th scope="col">{t('city.plan')}</th>
              <th scope="col">{t('city.status')}</th>
            </tr>
          </thead>
          <tbody>
            {d.ward.indicators.map((c) => (
              <tr key={c.code} data-code={c.code}>
                <th scope="row">{indicatorName(c.code, lang)}</th>
                <td className="num">{cellText(c, lang, t)}</td>
                <td className="num">{c.target === null ? t('city.noTarget') : formatPercent(c.target, lang)}</td>
                <td className="num">{formatPercent(c.planValue, lang)}</td>
                <td>{statusText(c, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <WeeklyTrend weekly={weekly.data} />
      <div className="dash-actions">
        <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void download(`/wards/${encodeURIComponent(code)}/export.csv${q}`, `chi-tieu-${code}-${d.asOf}.csv`)} data-testid="city-ward-export-csv">
          {t('city.exportWardCsv')}
        </button>
      </div>
      {line}
    </>
  );
}

function AuditView({ api, session, onExpired }: { api: CityApi; session: CitySession; onExpired: () => void }) {
  const { t } = useTranslation();
  const page = useLoad(() => api.audit('?limit=200'), [api], onExpired);
  if (page.error && !page.data) return <LoadError error={page.error} onRetry={page.reload} />;
  if (!page.data) return <p className="notice">{t('app.loading')}</p>;
  const entries = page.data.entries;
  return (
    <section aria-labelledby="city-audit-title">
      <h2 id="city-audit-title">{t('city.audit.title', { province: session.province.name })}</h2>
      {entries.length === 0 ? (
        <p className="notice">{t('city.audit.none')}</p>
      ) : (
        <div className="dash-table-wrap" role="region" tabIndex={0} aria-labelledby="city-audit-title">
          <table className="dash-table" data-testid="city-audit-table">
            <thead>
              <tr>
                <th scope="col">{t('city.audit.at')}</th>
                <th scope="col">{t('city.audit.who')}</th>
                <th scope="col">{t('city.audit.action')}</th>
                <th scope="col">{t('city.audit.target')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actorName}</td>
                  <td>{t(`dashboard.audit.actions.${e.action}`, { defaultValue: e.action })}</td>
                  <td>{e.target ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function CityScreen({ session, sub, onSignOut, onExpired }: CityScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const api = useMemo(() => cityApi(session, lang), [session, lang]);
  const [filters, setFilters] = useState<Filters>(() => ({ year: todayVietnam().slice(0, 4), asOf: '' }));
  const admin = session.role === 'city_admin';
  let content: ReactNode;
  if (sub[0] === 'city-ward' && sub[1]) content = <WardView key={sub[1]} api={api} code={sub[1]} filters={filters} onExpired={onExpired} />;
  else if (sub[0] === 'city-audit') content = admin ? <AuditView api={api} session={session} onExpired={onExpired} /> : <p className="notice">{t('city.audit.adminOnly')}</p>;
  else content = <RollupView api={api} filters={filters} session={session} onExpired={onExpired} />;
  const current = sub[0] === 'city-audit' ? 'audit' : 'rollup';
  return (
    <>
      <div className="dash__bar">
        <p className="dash__who" data-testid="dash-who">
          {t('city.signedInAs', { user: session.username, province: session.province.name })} <span className="badge">{t(`city.role.${session.role}`)}</span>
        </p>
        <button type="button" className="btn btn--small" onClick={onSignOut} data-testid="dash-sign-out">
          {t('dashboard.signOut')}
        </button>
      </div>
      <p className="small" data-testid="city-scope">
        {t('city.scope', { count: session.province.wards.length, province: session.province.name })}
      </p>
      <nav className="dash__tabs" aria-label={t('city.nav')}>
        <a href={wardHref()} className="dash__tab" aria-current={current === 'rollup' ? 'page' : undefined} data-testid="city-tab-rollup">
          {t('city.tab.rollup')}
        </a>
        {admin ? (
          <a href={wardHref('city-audit')} className="dash__tab" aria-current={current === 'audit' ? 'page' : undefined} data-testid="city-tab-audit">
            {t('city.tab.audit')}
          </a>
        ) : null}
      </nav>
      {sub[0] !== 'city-audit' ? <FilterBar filters={filters} setFilters={setFilters} /> : null}
      {content}
    </>
  );
}
