// Consent before any member data (Luật BVDLCN 91/2025/QH15, NĐ 356/2025): the volunteer reads
// the ward's current notice aloud; nothing is pre-ticked; a refusal ends the survey keeping
// only the visit.
import { useTranslation } from 'react-i18next';
import { ChoiceGroup } from '../../ui/ChoiceGroup.js';
import { TextField } from '../../ui/TextField.js';
import { currentNotice } from '../../storage/ward-config.js';
import { fieldId } from './form-model.js';
import { RelationField } from './RelationField.js';
import type { StepProps } from './step-props.js';

export interface ConsentStepProps extends StepProps {
  onRefuse: () => void;
}

export function ConsentStep({ form, update, errorFor, touch, choices, ward, onRefuse }: ConsentStepProps) {
  const { t, i18n } = useTranslation();
  const notice = currentNotice(ward);
  const givenError = errorFor('consent.given');
  const relationError = errorFor('consent.consenterRelation');
  return (
    <>
      <section className="notice-box" aria-labelledby="notice-title">
        <h3 id="notice-title">{t('consent.readAloud')}</h3>
        <p lang={i18n.language === 'en' ? 'en' : 'vi'}>{notice ? (i18n.language === 'en' ? notice.text.en : notice.text.vi) : null}</p>
        <p className="hint">{t('consent.noticeVersion', { version: notice?.version ?? '' })}</p>
      </section>
      {/* Who consents and how are asked before the tick, all on screen at once: ticking reveals
          nothing more, so the first "Tiếp tục" after it goes on. */}
      <RelationField
        id={fieldId('consent.consenterRelation')}
        label={t('consent.consenterRelation')}
        value={form.consent.consenterRelation}
        options={choices.relation}
        error={relationError}
        testId="consent-relation"
        onChange={(consenterRelation) => {
          update((f) => ({ ...f, consent: { ...f.consent, consenterRelation } }));
          touch('consent.consenterRelation');
        }}
      />
      <TextField
        id={fieldId('consent.consenterName')}
        label={t('consent.consenterName')}
        optional={t('app.optional')}
        defaultValue={form.consent.consenterName}
        onValue={(consenterName) => update((f) => ({ ...f, consent: { ...f.consent, consenterName } }))}
        onTouched={() => touch('consent.consenterName')}
        error={errorFor('consent.consenterName')}
        maxLength={80}
      />
      <ChoiceGroup
        id={fieldId('consent.method')}
        legend={t('consent.method')}
        choices={choices.method}
        value={form.consent.method}
        onChange={(method) => {
          update((f) => ({ ...f, consent: { ...f.consent, method } }));
          touch('consent.method');
        }}
        error={errorFor('consent.method')}
      />
      <div className={`field field--check${givenError ? ' field--error' : ''}`}>
        <label className="check">
          <input
            id={fieldId('consent.given')}
            type="checkbox"
            checked={form.consent.given}
            data-testid="consent-given"
            onChange={(e) => {
              const given = e.currentTarget.checked;
              update((f) => ({
                ...f,
                consent: {
                  ...f.consent,
                  given,
                  consentedAt: given ? new Date().toISOString() : '',
                  noticeVersion: given ? (notice?.version ?? '') : '',
                },
              }));
              touch('consent.given');
            }}
          />
          <span>{t('consent.given')}</span>
        </label>
        {givenError ? <p className="error" role="alert">{givenError}</p> : null}
      </div>
      {form.consent.given ? null : (
        <div className="refuse">
          <button type="button" className="btn btn--block" onClick={onRefuse} data-testid="consent-refuse">
            {t('consent.refuse')}
          </button>
          <p className="hint">{t('consent.refuseHint')}</p>
        </div>
      )}
    </>
  );
}
