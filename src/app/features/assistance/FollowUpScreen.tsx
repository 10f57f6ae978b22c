// The follow-up list (#/follow-up): who still needs a visit or a second help, from this phone's
// own records only, offline (shared/domain/follow-up.ts), grouped by tổ dân phố with why and
// since when. "Đã hỗ trợ" opens the assistance form pre-linked (a new rev for an unfinished
// help); a household not at home opens its edit for the revisit.
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { buildFollowUpList, type FollowUpItem } from '../../../shared/domain/follow-up.js';
import { TEACHING_CARDS } from '../../../../seeds/teaching/index.js';
import { appDb } from '../../storage/app-db.js';
import { listAssistances } from '../../storage/assistance-repo.js';
import { listHouseholds } from '../../storage/records-repo.js';
import { formatDate } from '../../ui/dates.js';
import { href } from '../../ui/router.js';
import { useWard } from '../../ward-context.js';
import { followUpWhy, followUpWho } from './follow-up-text.js';
import './assistance.css';

async function load() {
  const [households, assistances] = await Promise.all([listHouseholds(appDb, { includeVoided: true }), listAssistances(appDb)]);
  return buildFollowUpList({
    households: households.map((r) => r.record),
    assistances: assistances.map((r) => r.record),
    now: new Date(),
    cards: TEACHING_CARDS,
  });
}

export function FollowUpScreen() {
  const { t } = useTranslation();
  const ward = useWard();
  const list = useLiveQuery(load, []);
  const groupName = (code: string | null) => (code === null ? t('followUp.noGroup') : ward?.groups.find((g) => g.code === code)?.name ?? code);

  const why = (item: FollowUpItem) => followUpWhy(item, t);
  const who = (item: FollowUpItem) => followUpWho(item, t);
  const action = (item: FollowUpItem) => {
    if (item.kind === 'revisit') return { link: href({ name: 'edit', recordId: item.recordId }), label: t('followUp.revisit') };
    if (item.kind === 'member_help') return { link: href({ name: 'assist', householdId: item.recordId, ...(item.memberId ? { memberId: item.memberId } : {}) }), label: t('followUp.markDone') };
    return { link: href({ name: 'assist', againId: item.recordId }), label: t('followUp.markDone') };
  };

  return (
    <div className="follow-up" data-testid="follow-up">
      <h1>{t('followUp.title')}</h1>
      {list === undefined ? <p className="notice">{t('followUp.loading')}</p> : null}
      {list?.total === 0 ? <p className="notice" data-testid="follow-up-empty">{t('followUp.empty')}</p> : null}
      {list && list.total > 0 ? <p data-testid="follow-up-total" data-count={list.total}>{t('followUp.total', { count: list.total })}</p> : null}
      {list?.groups.map((group) => (
        <section key={group.groupCode ?? '-'} className="follow-up__group" data-testid="follow-up-group" data-group={group.groupCode ?? ''}>
          <h2>{groupName(group.groupCode)}</h2>
          {group.items.map((item) => {
            const a = action(item);
            return (
              <div key={`${item.kind}-${item.recordId}-${item.memberId ?? ''}`} className="follow-up__item" data-testid="follow-up-item" data-kind={item.kind}>
                <strong>{t(`followUp.kind.${item.kind}`)}</strong>
                <span>{who(item)}</span>
                <span>{why(item)}</span>
                {item.label.note ? <span className="hint">{item.label.note}</span> : null}
                <span className="hint">{t('followUp.since', { date: formatDate(item.since), days: item.days })}</span>
                <a className="btn btn--primary" href={a.link} data-testid="follow-up-action">
                  {a.label}
                </a>
              </div>
            );
          })}
        </section>
      ))}
      <a className="btn btn--block" href="#/">
        {t('app.name')}
      </a>
    </div>
  );
}

export default FollowUpScreen;
