// Data quality: households that look surveyed twice (same tổ dân phố and normalised address),
// records held in conflict, and members with implausible answers. Each links to the
// read-only household drill-down (where a duplicate can be voided).
import { useTranslation } from 'react-i18next';
import { wardHref } from './context.js';
import { DashTable } from './DashTable.js';
import { formatDateTime, formatNumber } from './format.js';
import { useGroups, useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';

export default function Quality() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const data = useWardLoad((api) => api.quality(), []);
  const groups = useGroups();
  const groupName = (code: string) => groups.data?.find((g) => g.code === code)?.name ?? code;
  const q = data.data;
  const link = (id: string, label?: string) => (
    <a href={wardHref('household', id)} data-testid="dash-household-link">
      {label ?? t('dashboard.quality.open', { id: id.slice(0, 8) })}
    </a>
  );
  return (
    <section aria-labelledby="dash-quality-title">
      <h2 id="dash-quality-title">{t('dashboard.quality.title')}</h2>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {q ? (
        <>
          <h3 id="dash-dup">{t('dashboard.quality.duplicates', { count: q.duplicates.count })}</h3>
          <p className="dash-hint">{t('dashboard.quality.duplicatesHint')}</p>
          {q.duplicates.items.length === 0 ? (
            <p className="notice">{t('dashboard.quality.noneFound')}</p>
          ) : (
            <DashTable labelledBy="dash-dup" testId="dash-duplicates" columns={[t('dashboard.filters.group'), t('dashboard.quality.address'), t('dashboard.quality.records')]}>
              {q.duplicates.items.map((d) => (
                <tr key={`${d.groupCode}|${d.addressKey}`}>
                  <th scope="row">{groupName(d.groupCode)}</th>
                  <td className="dash-table__text">{d.addressKey}</td>
                  <td className="dash-table__text">
                    <ul>
                      {d.households.map((h) => (
                        <li key={h.recordId}>
                          {link(h.recordId)} · {t(`outcome.${h.outcome}`, { defaultValue: h.outcome })} · {h.surveyedAt}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </DashTable>
          )}
          <h3 id="dash-conf">{t('dashboard.quality.conflicts', { count: q.conflicts.count })}</h3>
          <p className="dash-hint">{t('dashboard.quality.conflictsHint')}</p>
          {q.conflicts.items.length === 0 ? (
            <p className="notice">{t('dashboard.quality.noneFound')}</p>
          ) : (
            <DashTable
              labelledBy="dash-conf"
              testId="dash-conflicts"
              columns={[t('dashboard.quality.record'), t('dashboard.quality.rev'), t('dashboard.activity.volunteer'), t('dashboard.quality.receivedAt')]}
            >
              {q.conflicts.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{link(c.recordId)}</th>
                  <td>
                    {c.rev} / {c.currentRev ?? '—'} {c.superseded ? <span className="badge">{t('dashboard.quality.superseded')}</span> : null}
                  </td>
                  <td className="dash-table__text">{c.volunteerName ?? c.deviceId.slice(0, 8)}</td>
                  <td>{formatDateTime(c.receivedAt)}</td>
                </tr>
              ))}
            </DashTable>
          )}
          <h3 id="dash-impl">{t('dashboard.quality.implausible', { count: q.implausible.count })}</h3>
          {q.implausible.items.length === 0 ? (
            <p className="notice">{t('dashboard.quality.noneFound')}</p>
          ) : (
            <DashTable
              labelledBy="dash-impl"
              testId="dash-implausible"
              columns={[t('dashboard.quality.record'), t('dashboard.filters.group'), t('dashboard.quality.member'), t('dashboard.quality.age'), t('dashboard.quality.rule')]}
            >
              {q.implausible.items.map((m) => (
                <tr key={`${m.memberId}|${m.rule}`}>
                  <th scope="row">{link(m.recordId)}</th>
                  <td className="dash-table__text">{groupName(m.groupCode)}</td>
                  <td>{formatNumber(m.position + 1, lang)}</td>
                  <td>{formatNumber(m.age, lang)}</td>
                  <td className="dash-table__text">{t(`dashboard.quality.rules.${m.rule}`, { defaultValue: m.rule })}</td>
                </tr>
              ))}
            </DashTable>
          )}
        </>
      ) : data.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}
    </section>
  );
}
