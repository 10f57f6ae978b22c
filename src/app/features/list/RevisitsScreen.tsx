// Households marked "not home": the team's revisit list. Opening one starts a revisit (a new rev
// of the same record).
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { appDb } from '../../storage/app-db.js';
import { listRevisits } from '../../storage/records-repo.js';
import { formatDate } from '../../ui/dates.js';
import { href } from '../../ui/router.js';
import { groupName, useWard } from '../../ward-context.js';

export default function RevisitsScreen() {
  const { t } = useTranslation();
  const ward = useWard();
  const rows = useLiveQuery(() => listRevisits(appDb), []);
  return (
    <div className="revisits">
      <h2>{t('revisits.title')}</h2>
      {rows === undefined ? <p className="notice">{t('app.loading')}</p> : null}
      {rows?.length === 0 ? <p className="notice">{t('revisits.empty')}</p> : null}
      <ul className="plain-list" data-testid="revisit-list">
        {rows?.map((r) => {
          const d = r.record.data;
          return (
            <li key={r.id} className="row row--static" data-testid="revisit-row">
              <a className="row__main" href={href({ name: 'edit', recordId: r.id })}>
                <strong>{[d.address.houseNumber, d.address.lane, d.address.street].filter(Boolean).join(', ')}</strong>
                <span>
                  {groupName(ward, d.groupCode)} · {t('revisits.visitedOn', { date: formatDate(d.surveyedAt) })}
                </span>
                {d.note ? <span>{d.note}</span> : null}
              </a>
            </li>
          );
        })}
      </ul>
      <a className="btn btn--block" href="#/">
        {t('app.home')}
      </a>
    </div>
  );
}
