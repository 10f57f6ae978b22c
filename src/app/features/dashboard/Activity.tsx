// Team activity: households visited per volunteer device per ISO week; devices that have not
// synced for the ward's stale period (7 days) are flagged.
import { useTranslation } from 'react-i18next';
import { DashTable } from './DashTable.js';
import { formatDate, formatDateTime, formatNumber, formatWeek } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';

export default function Activity() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const data = useWardLoad((api) => api.activity(8), []);
  const a = data.data;
  const stale = a?.devices.filter((d) => d.stale) ?? [];
  return (
    <section aria-labelledby="dash-activity-title">
      <h2 id="dash-activity-title">{t('dashboard.activity.title')}</h2>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {a ? (
        <>
          {stale.length > 0 ? (
            <div className="banner banner--error" role="alert" data-testid="dash-stale">
              <span>
                {t('dashboard.activity.staleWarning', { count: stale.length, days: a.staleAfterDays })}: {stale.map((d) => d.volunteerName).join(', ')}
              </span>
            </div>
          ) : (
            <p className="banner banner--ok">{t('dashboard.activity.allFresh', { days: a.staleAfterDays })}</p>
          )}
          {a.devices.length === 0 ? <p className="notice">{t('dashboard.activity.none')}</p> : null}
          <DashTable
            testId="dash-activity-table"
            caption={t('dashboard.activity.caption')}
            columns={[t('dashboard.activity.volunteer'), t('dashboard.activity.lastSync'), ...a.weeks.map((w) => ({ label: formatWeek(w, lang), title: `${formatDate(w.start)} – ${formatDate(w.end)}` })), t('dashboard.activity.total')]}
          >
            {a.devices.map((d) => (
              <tr key={d.deviceId} className={d.stale ? 'dash-row--flag' : undefined}>
                <th scope="row">
                  {d.volunteerName}
                  {d.stale ? <span className="badge badge--warn">{t('dashboard.activity.stale')}</span> : null}
                  {d.revokedAt ? <span className="badge">{t('dashboard.devices.revoked')}</span> : null}
                </th>
                <td>{d.lastSyncAt ? formatDateTime(d.lastSyncAt) : t('dashboard.activity.never')}</td>
                {d.perWeek.map((w) => (
                  <td key={w.week} title={t('dashboard.activity.cellTitle', { surveyed: w.surveyed, notHome: w.notHome, refused: w.refused })}>
                    {formatNumber(w.surveyed + w.notHome + w.refused, lang)}
                  </td>
                ))}
                <td>{formatNumber(d.total.surveyed + d.total.notHome + d.total.refused, lang)}</td>
              </tr>
            ))}
          </DashTable>
          <p className="dash-hint">{t('dashboard.activity.hint')}</p>
        </>
      ) : data.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}
    </section>
  );
}
