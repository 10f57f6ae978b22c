// Exports for the monthly report: XLSX, CSV (UTF-8 with BOM) and the printable A4 page, for a
// year's targets and a cut-off date. Fetched with the session's Authorization header, then
// saved from a Blob (a plain link could not carry the header). Tallies only.
import { useTranslation } from 'react-i18next';
import { filterQuery, useDashboard } from './context.js';
import { FilterBar } from './FilterBar.js';
import { cutOffFor } from '../../../shared/domain/cut-off.js';
import { exportFileName, formatDate, todayVietnam } from './format.js';
import { DownloadStatusLine, useDownload } from './use-download.js';

type Kind = 'xlsx' | 'csv' | 'report';

export default function Exports() {
  const { t } = useTranslation();
  const { filters, session } = useDashboard();
  const { busy, status, download } = useDownload<Kind>();
  // The chosen day, else a past year's 31/12 (domain/cut-off.ts), else today: a report names a day.
  const today = todayVietnam();
  const asOf = cutOffFor(filters.year, filters.asOf, today) ?? today;
  const q = filterQuery({ ...filters, asOf }, {}, false);

  // The A4 page is saved as an .html file too: opened from disk it prints with its own styles
  // (a blob: tab would inherit the app's CSP and lose them).
  const run = (kind: Kind) =>
    download(kind, kind === 'report' ? `/report${q}` : `/export.${kind}${q}`, exportFileName(session.wardCode, asOf, kind === 'report' ? 'html' : kind));

  return (
    <section aria-labelledby="dash-export-title">
      <h2 id="dash-export-title">{t('dashboard.export.title')}</h2>
      <p>{t('dashboard.export.intro')}</p>
      <FilterBar groups={undefined} showGroup={false} />
      <p className="dash-hint" data-testid="dash-export-asof">{t('dashboard.export.asOfUsed', { date: formatDate(asOf), year: filters.year })}</p>
      <div className="dash-actions">
        <button type="button" className="btn btn--primary" disabled={busy !== undefined} onClick={() => void run('xlsx')} data-testid="dash-export-xlsx">
          {busy === 'xlsx' ? t('dashboard.export.busy') : t('dashboard.export.xlsx')}
        </button>
        <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void run('csv')} data-testid="dash-export-csv">
          {busy === 'csv' ? t('dashboard.export.busy') : t('dashboard.export.csv')}
        </button>
        <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void run('report')} data-testid="dash-export-report">
          {busy === 'report' ? t('dashboard.export.busy') : t('dashboard.export.report')}
        </button>
      </div>
      <DownloadStatusLine status={status} testId="dash-export-status" />
      <p className="dash-hint">{t('dashboard.export.privacy')}</p>
    </section>
  );
}
