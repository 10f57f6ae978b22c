import { useTranslation } from 'react-i18next';
import { ChoiceGroup } from '../../ui/ChoiceGroup.js';
import { TextField } from '../../ui/TextField.js';
import { fieldId } from './form-model.js';
import type { StepProps } from './step-props.js';

const DEVICE_KEYS = ['computerOrTablet', 'fixedBroadband', 'fibre', 'wifi'] as const;

export function DevicesStep({ form, update, errorFor, touch, choices }: StepProps) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        id={fieldId('devices.smartphones')}
        label={t('devices.smartphones')}
        defaultValue={form.devices.smartphones}
        inputMode="numeric"
        maxLength={2}
        onValue={(smartphones) => update((f) => ({ ...f, devices: { ...f.devices, smartphones } }))}
        onTouched={() => touch('devices.smartphones')}
        error={errorFor('devices.smartphones')}
        testId="smartphones"
      />
      <label className="check check--inline">
        <input
          type="checkbox"
          checked={form.devices.smartphonesUnknown}
          onChange={(e) => {
            const smartphonesUnknown = e.currentTarget.checked;
            update((f) => ({ ...f, devices: { ...f.devices, smartphonesUnknown } }));
            touch('devices.smartphones');
          }}
        />
        <span>{t('devices.smartphonesUnknown')}</span>
      </label>
      {/* One tap answers the four device and Internet questions alike; each stays changeable. */}
      <div className="all-row" role="group" aria-label={t('devices.allDevices')}>
        <span className="all-row__label">{t('devices.allDevices')}</span>
        {choices.yesNo.map((c) => (
          <button
            key={c.value}
            type="button"
            className="btn btn--small"
            data-testid={`all-devices-${c.value}`}
            onClick={() => {
              update((f) => ({ ...f, devices: { ...f.devices, ...Object.fromEntries(DEVICE_KEYS.map((k) => [k, c.value])) } }));
              for (const k of DEVICE_KEYS) touch(`devices.${k}`);
            }}
          >
            {c.label}
          </button>
        ))}
      </div>
      {DEVICE_KEYS.map((key) => (
        <ChoiceGroup
          key={key}
          id={fieldId(`devices.${key}`)}
          legend={t(`devices.${key}`)}
          choices={choices.yesNo}
          value={form.devices[key]}
          compact
          onChange={(v) => {
            update((f) => ({ ...f, devices: { ...f.devices, [key]: v } }));
            touch(`devices.${key}`);
          }}
          error={errorFor(`devices.${key}`)}
        />
      ))}
      <ChoiceGroup
        id={fieldId('payments.billsCashless')}
        legend={t('devices.billsCashless')}
        choices={choices.yesNo}
        value={form.payments.billsCashless}
        compact
        onChange={(billsCashless) => {
          update((f) => ({ ...f, payments: { ...f.payments, billsCashless } }));
          touch('payments.billsCashless');
        }}
        error={errorFor('payments.billsCashless')}
      />
      <ChoiceGroup
        id={fieldId('payments.businessAcceptsQr')}
        legend={t('devices.businessAcceptsQr')}
        choices={choices.qr}
        value={form.payments.businessAcceptsQr}
        compact
        onChange={(businessAcceptsQr) => {
          update((f) => ({ ...f, payments: { ...f.payments, businessAcceptsQr } }));
          touch('payments.businessAcceptsQr');
        }}
        error={errorFor('payments.businessAcceptsQr')}
      />
    </>
  );
}
