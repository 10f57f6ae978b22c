// The whole team's follow-up list (issue 5): per tổ dân phố, each household not at home, member
// who asked for help and help not finished, with why and since when, as the server builds it
// with the phones' own buildFollowUpList (GET …/follow-ups). Why-labels reuse the phone's
// follow-up and assistance words (followUp.*, assist.reason.*, members.help_*: always loaded).
import { useTranslation } from 'react-i18next';
import type { FollowUpItem } from '../../../shared/domain/follow-up.js';
import { wardHref } from './context.js';
import { DashTable } from './DashTable.js';
import { formatDate } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';
import { followUpWhy, followUpWho } from '../assistance/follow-up-text.js';

export default function FollowUps() {
  const { t } = useTranslation();
  const data = useWardLoad((a) => a.followUps(), []);
  const d = data.data;

  const why = (item: FollowUpItem) => followUpWhy(item, t);
  const who = (item: FollowUpItem) => followUpWho(item, t);

  return (
    <section aria-labelledby="dash-followups-title" data-testid="dash-followups" data-loading={String(data.loading)}>
      <h2 id="dash-followups-title">{t('dashboard.followups.title')}</h2>
      <p className="dash-hint">{t('dashboard.followups.intro')}</p>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {d ? (
        <>
          <p className="notice" data-testid="dash-followups-total">
            {d.total === 0 ? t('dashboard.followups.empty') : t('dashboard.followups.total', { count: d.total })}
          </p>
          {d.groups.map((g) => (
            <DashTable
              key={g.groupCode ?? ''}
              testId="dash-followups-group"
              data-group={g.groupCode ?? ''}
              caption={t('dashboard.followups.group', { name: g.groupCode === null ? t('followUp.noGroup') : (g.groupName ?? g.groupCode), count: g.items.length })}
              columns={[t('dashboard.followups.who'), t('dashboard.followups.why'), t('dashboard.followups.since')]}
            >
              {g.items.map((item) => (
                <tr key={`${item.kind}|${item.recordId}|${item.memberId ?? ''}`} data-kind={item.kind} data-record={item.recordId}>
                  <th scope="row">
                    <span className="badge">{t(`followUp.kind.${item.kind}`)}</span>{' '}
                    {/* revisit and member_help items are households: open the drill-down. */}
                    {item.kind === 'assistance' ? (
                      who(item)
                    ) : (
                      <a href={wardHref('household', item.recordId)} data-testid="dash-followups-open" title={t('dashboard.followups.open')}>
                        {who(item) || t('dashboard.followups.open')}
                      </a>
                    )}
                  </th>
                  <td>{why(item)}</td>
                  <td>{t('dashboard.followups.sinceValue', { date: formatDate(item.since), days: item.days })}</td>
                </tr>
              ))}
            </DashTable>
          ))}
        </>
      ) : data.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}
    </section>
  );
}
