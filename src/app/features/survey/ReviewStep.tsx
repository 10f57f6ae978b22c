// Review: a short summary, every remaining error as a button that jumps to its field, the soft
// warnings, and the save button.
import { useTranslation } from 'react-i18next';
import type { FieldError } from '../../../shared/domain/validation.js';
import { groupName } from '../../ward-context.js';
import { labelFor } from './labels.js';
import type { StepProps } from './step-props.js';
import { isUntouchedMember } from './empty-member.js';

export interface ReviewStepProps extends StepProps {
  errors: FieldError[];
  warnings: FieldError[];
  saving: boolean;
  onJump: (path: string) => void;
  onSave: () => void;
  /** Removes a member nothing was entered for (offered beside the errors it causes). */
  onRemoveMember: (id: string) => void;
}

export function ReviewStep({ form, ward, errors, warnings, saving, onJump, onSave, onRemoveMember }: ReviewStepProps) {
  const { t } = useTranslation();
  const untouched = form.members.map((m, i) => ({ m, i })).filter(({ m }) => isUntouchedMember(m));
  const address = [form.houseNumber, form.lane, form.street].map((s) => s.trim()).filter(Boolean).join(', ');
  return (
    <>
      <dl className="summary">
        <dt>{t('review.address')}</dt>
        <dd>
          {address || '—'} · {form.groupCode ? groupName(ward, form.groupCode) : '—'}
        </dd>
        <dt>{t('outcome.legend')}</dt>
        <dd>{form.outcome ? t(`outcome.${form.outcome}`) : '—'}</dd>
        {form.outcome === 'surveyed' ? (
          <>
            <dt>{t('review.members')}</dt>
            <dd>{form.members.length}</dd>
          </>
        ) : null}
      </dl>
      {errors.length > 0 ? (
        <section className="review-errors" aria-labelledby="review-errors-title" data-testid="review-errors">
          <h3 id="review-errors-title">{t('review.errorsTitle', { count: errors.length })}</h3>
          {untouched.map(({ m, i }) => (
            <p key={m.id} className="review-errors__empty">
              {t('review.emptyMember', { n: i + 1 })}{' '}
              <button type="button" className="btn btn--small btn--danger-outline" onClick={() => onRemoveMember(m.id)} data-testid="remove-empty-member">
                {t('review.removeEmptyMember', { n: i + 1 })}
              </button>
            </p>
          ))}
          <ul>
            {errors.map((e) => (
              <li key={e.path}>
                <button type="button" className="link-button" onClick={() => onJump(e.path)} data-testid="review-error">
                  <strong>{labelFor(e.path, t)}:</strong> {t(`validation.${e.code}`)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="ok" role="status">{t('review.noErrors')}</p>
      )}
      {warnings.length > 0 ? (
        <section className="review-warnings" aria-labelledby="review-warnings-title">
          <h3 id="review-warnings-title">{t('review.warningsTitle')}</h3>
          <ul>
            {warnings.map((w) => (
              <li key={`${w.path}:${w.code}`}>
                <button type="button" className="link-button" onClick={() => onJump(w.path)}>
                  <strong>{labelFor(w.path, t)}:</strong> {t(`validation.${w.code}`)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <button type="button" className="btn btn--primary btn--huge" onClick={onSave} disabled={saving} data-testid="save">
        {saving ? t('review.saving') : form.outcome === 'surveyed' ? t('review.save') : t('review.saveVisit')}
      </button>
    </>
  );
}
