// The ward's enrolment codes (never the codes themselves): uses left, expiry, state, who issued
// each; a usable one can be revoked (with confirmation) — a lost briefing sheet stops working.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import type { EnrolmentCodeInfo } from './api.js';
import { useDashboard } from './context.js';
import { DashTable } from './DashTable.js';
import { formatDateTime } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';
import { useErrorMessage } from './use-load.js';

/** `version` changes when a code is issued elsewhere on the screen: the list reloads. */
export function EnrolmentCodes({ version }: { version: number }) {
  const { t } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const codes = useWardLoad((a) => a.enrolmentCodes(), [version]);
  const [revoking, setRevoking] = useState<EnrolmentCodeInfo>();
  const [error, setError] = useState<string>();

  const revoke = async (c: EnrolmentCodeInfo) => {
    setRevoking(undefined);
    try {
      await api.revokeCode(c.id);
      codes.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <>
      <h3 id="dash-codes-list">{t('dashboard.devices.codesTitle')}</h3>
      {error ? (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      ) : null}
      {codes.error ? <LoadError error={codes.error} onRetry={codes.reload} /> : null}
      {codes.data ? (
        codes.data.codes.length === 0 ? (
          <p className="notice">{t('dashboard.devices.codesNone')}</p>
        ) : (
          <DashTable
            labelledBy="dash-codes-list"
            testId="dash-codes"
            columns={[t('dashboard.devices.codeIssued'), t('dashboard.devices.expiresAt'), t('dashboard.devices.codeUses'), t('dashboard.devices.codeState'), t('dashboard.devices.codeBy'), t('dashboard.devices.action')]}
          >
            {codes.data.codes.map((c) => (
              <tr key={c.id}>
                <th scope="row">{formatDateTime(c.createdAt)}</th>
                <td>{formatDateTime(c.expiresAt)}</td>
                <td>
                  {c.usesLeft} / {c.usesTotal}
                </td>
                <td>{t(`dashboard.devices.state_${c.state}`)}</td>
                <td>{c.issuedBy ?? t('dashboard.devices.codeByCli')}</td>
                <td>
                  {c.state === 'usable' ? (
                    <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setRevoking(c)} data-testid="dash-revoke-code">
                      {t('dashboard.devices.revokeCode')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </DashTable>
        )
      ) : null}
      <ConfirmDialog
        open={revoking !== undefined}
        message={t('dashboard.devices.revokeCodeConfirm')}
        confirmLabel={t('dashboard.devices.revokeCode')}
        onConfirm={() => revoking && void revoke(revoking)}
        onCancel={() => setRevoking(undefined)}
        testId="dash-revoke-code-dialog"
      />
    </>
  );
}
