import { useTranslation } from 'react-i18next';
import { TextField } from '../../ui/TextField.js';
import { fieldId } from './form-model.js';
import type { StepProps } from './step-props.js';

export function AddressStep({ form, update, errorFor, touch, ward }: StepProps) {
  const { t } = useTranslation();
  const groupError = errorFor('groupCode');
  return (
    <>
      <div className={`field${groupError ? ' field--error' : ''}`}>
        <label htmlFor={fieldId('groupCode')}>{t('address.group')}</label>
        <select
          id={fieldId('groupCode')}
          value={form.groupCode}
          data-testid="group-select"
          aria-invalid={groupError ? true : undefined}
          onChange={(e) => {
            const groupCode = e.currentTarget.value;
            update((f) => ({ ...f, groupCode }));
            touch('groupCode');
          }}
        >
          <option value="">{t('address.chooseGroup')}</option>
          {ward.groups.map((g) => (
            <option key={g.code} value={g.code}>
              {g.name}
            </option>
          ))}
        </select>
        {groupError ? <p className="error" role="alert">{groupError}</p> : null}
      </div>
      <TextField
        id={fieldId('address.houseNumber')}
        label={t('address.houseNumber')}
        defaultValue={form.houseNumber}
        onValue={(houseNumber) => update((f) => ({ ...f, houseNumber }))}
        onTouched={() => touch('address.houseNumber')}
        error={errorFor('address.houseNumber')}
        maxLength={40}
        testId="house-number"
      />
      <TextField
        id={fieldId('address.lane')}
        label={t('address.lane')}
        optional={t('app.optional')}
        defaultValue={form.lane}
        onValue={(lane) => update((f) => ({ ...f, lane }))}
        onTouched={() => touch('address.lane')}
        error={errorFor('address.lane')}
        maxLength={80}
        testId="lane"
      />
      <TextField
        id={fieldId('address.street')}
        label={t('address.street')}
        optional={t('app.optional')}
        defaultValue={form.street}
        onValue={(street) => update((f) => ({ ...f, street }))}
        onTouched={() => touch('address.street')}
        error={errorFor('address.street')}
        maxLength={80}
        testId="street"
      />
    </>
  );
}
