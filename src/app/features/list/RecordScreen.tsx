// One saved household: what was recorded, its sync state, and edit / revisit / void.
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ageOnDate } from '../../../shared/domain/age.js';
import { appDb } from '../../storage/app-db.js';
import { StorageFullError } from '../../storage/errors.js';
import { getHousehold, voidHousehold } from '../../storage/records-repo.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { formatDate } from '../../ui/dates.js';
import { useFlash } from '../../ui/flash.js';
import { href, navigate } from '../../ui/router.js';
import { groupName, useWard } from '../../ward-context.js';

export default function RecordScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const ward = useWard();
  const flash = useFlash()?.text;
  const stored = useLiveQuery(async () => (await getHousehold(appDb, id)) ?? null, [id]);
  const [voiding, setVoiding] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();

  if (stored === undefined) return <p className="notice">{t('app.loading')}</p>;
  if (stored === null) return <p className="notice">{t('record.notFound')}</p>;
  const d = stored.record.data;
  const address = [d.address.houseNumber, d.address.lane, d.address.street].filter(Boolean).join(', ');

  const doVoid = async () => {
    setVoiding(false);
    try {
      const result = await voidHousehold(appDb, id, reason);
      if (!result.ok) setProblem(result.errors.map((e) => t(`validation.${e.code}`)).join(' '));
    } catch (err) {
      setProblem(err instanceof StorageFullError ? t('storage.full') : t('app.unexpectedError', { message: String(err) }));
    }
  };

  return (
    <div className="record" data-testid="record-screen">
      {flash ? (
        <p className="banner banner--ok" role="status" data-testid="saved-flash">
          {flash}
        </p>
      ) : null}
      {problem ? <p className="banner banner--error" role="alert">{problem}</p> : null}
      <h2>{address}</h2>
      <dl className="summary">
        <dt>{t('address.group')}</dt>
        <dd>{groupName(ward, d.groupCode)}</dd>
        <dt>{t('outcome.legend')}</dt>
        <dd>{t(`outcome.${d.outcome}`)}</dd>
        <dt>{t('record.surveyedAt')}</dt>
        <dd>{formatDate(d.surveyedAt)}</dd>
        <dt>{t('record.title')}</dt>
        <dd>
          <span data-testid="record-rev">{stored.record.rev === 1 ? t('record.revFirst') : t('record.rev', { count: stored.record.rev - 1 })}</span> ·{' '}
          <span className={`badge badge--${stored.syncState}`} data-testid="sync-state">
            {t(`syncState.${stored.syncState}`)}
          </span>
        </dd>
      </dl>
      {d.voided ? <p className="banner banner--error">{t('record.voidedBecause', { reason: d.voidReason ?? '' })}</p> : null}
      {stored.serverErrors?.length ? (
        <section className="review-errors">
          <h3>{t('record.serverErrors')}</h3>
          <ul>
            {stored.serverErrors.map((e) => (
              <li key={`${e.path}:${e.code}`}>{t(`validation.${e.code}`, { defaultValue: e.message })}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {d.members.length > 0 ? (
        <>
          <h3>{t('review.members')}</h3>
          <ol className="member-list" data-testid="record-members">
            {d.members.map((m) => (
              <li key={m.id} className="member-row">
                <div className="member-row__text">
                  <strong>{m.name ?? t('members.unnamed')}</strong>
                  <span>
                    {t(`relation.${m.relation}`)} · {t('members.age', { age: ageOnDate(m.birthYear, d.surveyedAt) })}
                  </span>
                </div>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {!d.voided ? (
        <div className="actions">
          <a className="btn btn--primary btn--block" href={href({ name: 'edit', recordId: id })} data-testid="record-edit">
            {d.outcome === 'not_home' ? t('record.revisit') : t('record.edit')}
          </a>
          <button type="button" className="btn btn--block btn--danger-outline" onClick={() => setVoiding(true)} data-testid="record-void">
            {t('record.void')}
          </button>
        </div>
      ) : null}
      <a className="btn btn--block" href={href({ name: 'list' })}>
        {t('list.title')}
      </a>
      <button type="button" className="btn btn--block" onClick={() => navigate({ name: 'home' })}>
        {t('app.home')}
      </button>
      <ConfirmDialog
        open={voiding}
        message={t('record.void')}
        confirmLabel={t('record.voidConfirm')}
        confirmDisabled={!reason.trim()}
        testId="void-dialog"
        onCancel={() => setVoiding(false)}
        onConfirm={() => void doVoid()}
      >
        <div className="field">
          <label htmlFor="void-reason">{t('record.voidReason')}</label>
          <textarea id="void-reason" rows={3} maxLength={200} onChange={(e) => setReason(e.currentTarget.value)} data-testid="void-reason" />
        </div>
      </ConfirmDialog>
    </div>
  );
}
