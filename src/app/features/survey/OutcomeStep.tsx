import { useTranslation } from 'react-i18next';
import { ChoiceGroup } from '../../ui/ChoiceGroup.js';
import { TextField } from '../../ui/TextField.js';
import { fieldId } from './form-model.js';
import type { StepProps } from './step-props.js';

export function OutcomeStep({ form, update, errorFor, touch, choices }: StepProps) {
  const { t } = useTranslation();
  return (
    <>
      <ChoiceGroup
        id={fieldId('outcome')}
        legend={t('outcome.legend')}
        choices={choices.outcome}
        value={form.outcome}
        onChange={(outcome) => {
          update((f) => ({ ...f, outcome }));
          touch('outcome');
        }}
        error={errorFor('outcome')}
      />
      {form.outcome && form.outcome !== 'surveyed' ? <p className="notice">{t('outcome.noDataHint')}</p> : null}
      <TextField
        id={fieldId('note')}
        label={t('outcome.note')}
        optional={t('app.optional')}
        defaultValue={form.note}
        onValue={(note) => update((f) => ({ ...f, note }))}
        onTouched={() => touch('note')}
        error={errorFor('note')}
        maxLength={300}
      />
    </>
  );
}
