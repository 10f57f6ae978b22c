// Exports for the monthly report: XLSX, CSV (UTF-8 with BOM) and the printable A4 page, for a
// year's targets and a cut-off date. Fetched with the session's Authorization header, then
// saved from a Blob (a plain link could not carry the header). Tallies only.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { filterQuery, useDashboard } from './context.js';
import { FilterBar } from './FilterBar.js';
import { exportFileName, saveBlob, todayVietnam } from './format.js';
import { useErrorMessage } from './use-load.js';
import { ApiError } from './api.js';

type Kind = 'xlsx' | 'csv' | 'report';

export default function Exports() {
  const { t } = useTranslation();
  const { api, filters, session, endSession } = useDashboard();
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState<Kind>();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const asOf = filters.asOf || todayVietnam();
  const q = filterQuery({ ...filters, asOf }, {}, false);

  const run = async (kind: Kind) => {
    setBusy(kind);
    setStatus(undefined);
    try {
      const path = kind === 'report' ? `/report${q}` : `/export.${kind}${q}`;
      const blob = await api.download(path);
      // The A4 page is saved as an .html file too: opened from disk it prints with its own
      // styles (a blob: tab would inherit the app's CSP and lose them).
      saveBlob(blob, exportFileName(session.wardCode, asOf, kind === 'report' ? 'html' : kind));
      setStatus({ ok: true, text: t('dashboard.export.done') });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) endSession();
      setStatus({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="dash-export-title">
      <h2 id="dash-export-title">{t('dashboard.export.title')}</h2>
      <p>{t('dashboard.export.intro')}</p>
      <FilterBar groups={undefined} showGroup={false} />
      <p className="dash-hint">{t('dashboard.export.asOfUsed', { date: asOf, year: filters.year })}</p>
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
      {status ? (
        <p className={`banner ${status.ok ? 'banner--ok' : 'banner--error'}`} role="status" data-testid="dash-export-status">
          {status.text}
        </p>
      ) : null}
      <p className="dash-hint">{t('dashboard.export.privacy')}</p>
    </section>
  );
}
