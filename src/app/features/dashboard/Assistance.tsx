// Assistance tallies (issue 5): helps by kind × outcome, by failure reason, per campaign ("đợt ra
// quân") and per ISO week, how many members moved from no VNeID to level 1/2 after a help, and
// the CSV and XLSX downloads. Its own filters (days of help, campaign): the indicator filters do not apply.
// Kind and reason labels are the CSV's fuller words (dashboard.assist.*Name); outcomes reuse the
// assistance log's (assist.outcome.*, always loaded).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssistanceTallies } from './api.js';
import { useDashboard } from './context.js';
import { DashTable } from './DashTable.js';
import { DateInput } from '../../ui/DateInput.js';
import { formatDate, formatNumber, formatWeek, todayVietnam } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';
import { DownloadStatusLine, useDownload } from './use-download.js';

export interface AssistanceFilters {
  from: string;
  to: string;
  campaign: string;
}

export function assistanceQuery(f: AssistanceFilters): string {
  const p = new URLSearchParams();
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.campaign.trim()) p.set('campaign', f.campaign.trim());
  const s = p.toString();
  return s ? `?${s}` : '';
}

const OUTCOMES = ['done', 'not_done', 'needs_follow_up'] as const;

/** Horizontal bars of helps per kind (done in full colour, the rest lighter), next to its table. */
function KindBars({ data, title, label }: { data: AssistanceTallies; title: string; label: (k: string) => string }) {
  const rows = Object.entries(data.byKind).map(([k, c]) => ({ k, done: c.done, all: c.done + c.not_done + c.needs_follow_up }));
  const max = Math.max(1, ...rows.map((r) => r.all));
  const labelW = 190;
  const barW = 240;
  const rowH = 26;
  return (
    <svg className="dash-chart" viewBox={`0 0 ${labelW + barW + 60} ${rows.length * rowH + 4}`} aria-hidden="true" data-testid="dash-assist-chart">
      <title>{title}</title>
      {rows.map((r, i) => {
        const y = i * rowH + 4;
        const name = label(r.k);
        return (
          <g key={r.k}>
            <text x={labelW - 6} y={y + 14} textAnchor="end">
              {name.length > 28 ? `${name.slice(0, 27)}…` : name}
            </text>
            <rect x={labelW} y={y} width={(r.all / max) * barW} height={rowH - 8} fill="#fca5a5" />
            <rect x={labelW} y={y} width={(r.done / max) * barW} height={rowH - 8} fill="#b91c1c" />
            <text x={labelW + (r.all / max) * barW + 6} y={y + 14}>{`${r.done}/${r.all}`}</text>
          </g>
        );
      })}
    </svg>
  );
}

export default function Assistance() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { session } = useDashboard();
  const [filters, setFilters] = useState<AssistanceFilters>({ from: '', to: '', campaign: '' });
  const [seenCampaigns, setSeenCampaigns] = useState<string[]>([]);
  const { busy, status, download: save } = useDownload<'csv' | 'xlsx'>();
  const q = assistanceQuery(filters);
  const data = useWardLoad(
    (a) =>
      a.assistances(q).then((r) => {
        // Remember every campaign seen so the picker still offers them once one is chosen.
        setSeenCampaigns((old) => [...new Set([...old, ...r.campaigns.map((c) => c.campaign).filter((c): c is string => c !== null)])]);
        return r;
      }),
    [q],
  );
  const d = data.data;
  const n = (x: number) => formatNumber(x, lang);
  const kindLabel = (k: string) => t(`dashboard.assist.kindName.${k}`, { defaultValue: k });
  // The server answers a reversed range with its own translated error (shown by LoadError).
  const badRange = filters.from !== '' && filters.to !== '' && filters.from > filters.to;

  const download = (format: 'csv' | 'xlsx') =>
    save(format, `/assistances/export.${format}${q}`, `ho-tro-${session.wardCode}-${filters.to || todayVietnam()}.${format}`);

  const outcomeColumns = OUTCOMES.map((o) => t(`assist.outcome.${o}`));

  return (
    <section aria-labelledby="dash-assist-title" data-testid="dash-assist" data-loading={String(data.loading)} data-query={q}>
      <h2 id="dash-assist-title">{t('dashboard.assist.title')}</h2>
      <form className="dash-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('dashboard.filters.label')}>
        <div className="field">
          <DateInput id="dash-assist-from" label={t('dashboard.assist.from')} value={filters.from} onChange={(from) => setFilters({ ...filters, from })} testId="dash-assist-from" />
        </div>
        <div className="field">
          <DateInput id="dash-assist-to" label={t('dashboard.assist.to')} value={filters.to} onChange={(to) => setFilters({ ...filters, to })} testId="dash-assist-to" />
        </div>
        <div className="field">
          <label htmlFor="dash-assist-campaign">{t('dashboard.assist.campaign')}</label>
          <select id="dash-assist-campaign" value={filters.campaign} onChange={(e) => setFilters({ ...filters, campaign: e.target.value })} data-testid="dash-assist-campaign">
            <option value="">{t('dashboard.assist.allCampaigns')}</option>
            {seenCampaigns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </form>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {d ? (
        <>
          <ul className="dash-stats">
            <li className="dash-stat">
              <span className="dash-stat__value" data-testid="dash-assist-total">
                {n(d.total)}
              </span>
              <span className="dash-stat__label">{t('dashboard.assist.total')}</span>
            </li>
            <li className="dash-stat">
              <span className="dash-stat__value" data-testid="dash-assist-done">
                {n(d.byOutcome.done)}
              </span>
              <span className="dash-stat__label">{t('assist.outcome.done')}</span>
            </li>
            <li className="dash-stat">
              <span className="dash-stat__value" data-testid="dash-assist-vneid-moved">
                {n(d.vneidMoved)}
              </span>
              <span className="dash-stat__label">{t('dashboard.assist.vneidMoved')}</span>
            </li>
          </ul>
          {d.total === 0 ? <p className="notice">{t('dashboard.assist.empty')}</p> : null}

          <KindBars data={d} title={t('dashboard.assist.byKind')} label={kindLabel} />
          <DashTable testId="dash-assist-kinds" caption={t('dashboard.assist.byKind')} columns={[t('dashboard.assist.kind'), ...outcomeColumns]}>
            {Object.entries(d.byKind).map(([k, c]) => (
              <tr key={k} data-kind={k}>
                <th scope="row">{kindLabel(k)}</th>
                {OUTCOMES.map((o) => (
                  <td key={o} data-outcome={o}>
                    {n(c[o])}
                  </td>
                ))}
              </tr>
            ))}
          </DashTable>
          <p className="dash-hint">{t('dashboard.assist.kindHint')}</p>

          <DashTable testId="dash-assist-reasons" caption={t('dashboard.assist.byReason')} columns={[t('dashboard.assist.reason'), t('dashboard.assist.count')]}>
            {Object.entries(d.byReason).map(([r, count]) => (
              <tr key={r} data-reason={r}>
                <th scope="row">{t(`dashboard.assist.reasonName.${r}`, { defaultValue: r })}</th>
                <td>{n(count)}</td>
              </tr>
            ))}
          </DashTable>

          <DashTable testId="dash-assist-campaigns" caption={t('dashboard.assist.byCampaign')} columns={[t('dashboard.assist.campaign'), t('dashboard.assist.count'), ...outcomeColumns]}>
            {d.campaigns.map((c) => (
              <tr key={c.campaign ?? ''}>
                <th scope="row">{c.campaign ?? t('dashboard.assist.noCampaign')}</th>
                <td>{n(c.total)}</td>
                {OUTCOMES.map((o) => (
                  <td key={o}>{n(c.byOutcome[o])}</td>
                ))}
              </tr>
            ))}
          </DashTable>

          <DashTable testId="dash-assist-weeks" caption={t('dashboard.assist.byWeek')} columns={[t('dashboard.assist.week'), t('dashboard.assist.count'), ...outcomeColumns]}>
            {d.weeks.map((w) => (
              <tr key={w.week}>
                <th scope="row" title={`${formatDate(w.start)} – ${formatDate(w.end)}`}>
                  {formatWeek(w, lang)}
                </th>
                <td>{n(w.total)}</td>
                {OUTCOMES.map((o) => (
                  <td key={o}>{n(w.byOutcome[o])}</td>
                ))}
              </tr>
            ))}
          </DashTable>
          <p className="dash-hint">{t('dashboard.assist.vneidHint')}</p>
        </>
      ) : data.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}

      <div className="dash-actions">
        <button type="button" className="btn btn--primary" disabled={busy !== undefined || badRange} onClick={() => void download('xlsx')} data-testid="dash-assist-xlsx">
          {busy === 'xlsx' ? t('dashboard.export.busy') : t('dashboard.export.xlsx')}
        </button>
        <button type="button" className="btn" disabled={busy !== undefined || badRange} onClick={() => void download('csv')} data-testid="dash-assist-csv">
          {busy === 'csv' ? t('dashboard.export.busy') : t('dashboard.export.csv')}
        </button>
      </div>
      <DownloadStatusLine status={status} testId="dash-assist-export-status" />
      <p className="dash-hint">{t('dashboard.export.privacy')}</p>
    </section>
  );
}
