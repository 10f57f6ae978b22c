// The ward admin's audit log (issue 12 point 5): who did what, when and from where, filtered by
// action, person and dates, newest first and paged; the chain check (is every entry still the
// one written?) with its head; a CSV download of the filtered entries. The server writes each
// view and download to the log itself.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, type AuditEntry, type AuditPage, type ChainCheck } from '../../../../shared/protocol/audit.js';
import { ApiError } from '../api.js';
import { useDashboard } from '../context.js';
import { DashTable } from '../DashTable.js';
import { formatDateTime } from '../format.js';
import { useWardLoad } from '../hooks.js';
import { LoadError } from '../LoadError.js';
import { DownloadStatusLine, useDownload } from '../use-download.js';
import { useErrorMessage } from '../use-load.js';

interface Filters {
  action: string;
  actor: string;
  from: string;
  to: string;
}
const NO_FILTER: Filters = { action: '', actor: '', from: '', to: '' };

function queryOf(f: Filters, before?: number): string {
  const p = new URLSearchParams();
  if (f.action) p.set('action', f.action);
  if (f.actor) p.set('actor', f.actor);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (before !== undefined) p.set('before', String(before));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The detail as stored (ids, counts, field paths), compact. */
function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  const text = JSON.stringify(detail);
  return text === '{}' ? '' : text;
}

export default function AuditLog() {
  const { t } = useTranslation();
  const { api, endSession, session } = useDashboard();
  const errorMessage = useErrorMessage();
  const [draft, setDraft] = useState<Filters>(NO_FILTER);
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const first = useWardLoad((a) => a.audit(queryOf(filters)), [filters]);
  const check = useWardLoad((a) => a.auditVerify(), []);
  // Older pages belong to the first page they continue: a new filter (a new first page) drops them.
  const [more, setMore] = useState<{ base?: AuditPage; entries: AuditEntry[]; next: number | null }>({ entries: [], next: null });
  const paged = first.data && more.base === first.data ? more : { base: first.data, entries: [], next: first.data?.nextBefore ?? null };
  const [moreError, setMoreError] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);
  const { busy, status, download } = useDownload<'csv'>();

  const loadMore = async () => {
    if (paged.next === null) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await api.audit(queryOf(filters, paged.next));
      setMore({ base: paged.base, entries: [...paged.entries, ...page.entries], next: page.nextBefore });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) endSession();
      setMoreError(errorMessage(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const entries = [...(first.data?.entries ?? []), ...paged.entries];
  const actors = first.data?.actors ?? [];
  const label = (action: string) => t(`dashboard.audit.actions.${action}`, { defaultValue: action });

  return (
    <section aria-labelledby="dash-audit-title">
      <h2 id="dash-audit-title">{t('dashboard.audit.title')}</h2>
      <p className="dash-hint">{t('dashboard.audit.intro')}</p>
      <ChainStatus check={check.data} loading={check.loading} />
      {check.error ? <LoadError error={check.error} onRetry={check.reload} /> : null}

      <form
        className="dash-filters"
        aria-label={t('dashboard.audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <div className="field">
          <label htmlFor="dash-audit-action">{t('dashboard.audit.action')}</label>
          <select id="dash-audit-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} data-testid="dash-audit-action">
            <option value="">{t('dashboard.audit.anyAction')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {label(a)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dash-audit-actor">{t('dashboard.audit.actor')}</label>
          <select id="dash-audit-actor" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} data-testid="dash-audit-actor">
            <option value="">{t('dashboard.audit.anyActor')}</option>
            {actors.map((a) => (
              <option key={a.actorId || '-'} value={a.actorId}>
                {a.actorName || t('dashboard.audit.noActor')}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dash-audit-from">{t('dashboard.audit.from')}</label>
          <input id="dash-audit-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} data-testid="dash-audit-from" />
        </div>
        <div className="field">
          <label htmlFor="dash-audit-to">{t('dashboard.audit.to')}</label>
          <input id="dash-audit-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} data-testid="dash-audit-to" />
        </div>
        <button type="submit" className="btn btn--primary" data-testid="dash-audit-apply">
          {t('dashboard.audit.apply')}
        </button>
      </form>

      <div className="dash-panel">
        <p className="dash-hint">{t('dashboard.audit.exportHint')}</p>
        <button
          type="button"
          className="btn"
          disabled={busy !== undefined}
          onClick={() => void download('csv', `/audit/export.csv${queryOf(filters)}`, `nhat-ky-${session.wardCode}.csv`)}
          data-testid="dash-audit-export"
        >
          {t('dashboard.audit.export')}
        </button>
        <DownloadStatusLine status={status} testId="dash-audit-export-status" />
      </div>

      {first.error ? <LoadError error={first.error} onRetry={first.reload} /> : null}
      {first.data ? (
        <>
          {entries.length === 0 ? <p className="notice">{t('dashboard.audit.none')}</p> : null}
          <DashTable
            testId="dash-audit-table"
            data-audit-log="1"
            caption={t('dashboard.audit.caption')}
            columns={[t('dashboard.audit.seq'), t('dashboard.audit.when'), t('dashboard.audit.who'), t('dashboard.audit.what'), t('dashboard.audit.target'), t('dashboard.audit.detail'), t('dashboard.audit.where')]}
          >
            {entries.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{e.seq ?? ''}</td>
                <td>{formatDateTime(e.at)}</td>
                <th scope="row">{e.actorName || t('dashboard.audit.noActor')}</th>
                <td>{label(e.action)}</td>
                <td className="dash-audit-mono">{e.target ?? ''}</td>
                <td className="dash-audit-mono">{detailText(e.detail)}</td>
                <td title={e.userAgent ?? undefined}>{e.ip ?? ''}</td>
              </tr>
            ))}
          </DashTable>
          {moreError ? (
            <p className="banner banner--error" role="alert">
              {moreError}
            </p>
          ) : null}
          {paged.next !== null ? (
            <button type="button" className="btn" disabled={loadingMore} onClick={() => void loadMore()} data-testid="dash-audit-more">
              {t('dashboard.audit.more')}
            </button>
          ) : null}
        </>
      ) : first.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}
    </section>
  );
}

function ChainStatus({ check, loading }: { check: ChainCheck | undefined; loading: boolean }) {
  const { t } = useTranslation();
  if (!check) return loading ? <p className="notice">{t('dashboard.audit.checking')}</p> : null;
  const head = <span className="dash-audit-mono">{t('dashboard.audit.chainHead', { hash: check.head.hash || '—' })}</span>;
  return check.ok ? (
    <p className="banner banner--ok" role="status" data-testid="dash-audit-chain">
      <span>
        {t('dashboard.audit.chainOk', { count: check.entries, seq: check.head.seq })}
        <br />
        {head}
      </span>
    </p>
  ) : (
    <p className="banner banner--error" role="alert" data-testid="dash-audit-chain">
      <span>
        {t('dashboard.audit.chainBroken', { seq: check.brokenAt, reason: t(`dashboard.audit.reason.${check.reason}`) })}
        <br />
        {head}
      </span>
    </p>
  );
}
