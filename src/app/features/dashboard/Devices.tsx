// Enrolment codes and devices. A code is issued for a number of phones (a team briefing) and
// shown large with its link, which opens the app with the ward and code filled in. Devices:
// volunteer, last sync, record counts, records waiting on the phone at its last contact.
// Revoking (with confirmation) is of two kinds: RETIRE (the phone sends what waits, then wipes
// its personal data) or REPORT LOST (it wipes at its next contact; what waited is lost — the
// count stays on the screen). A retired phone can still be reported lost.
// handing its records to another device of the ward moves the right to write them (audited).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { DashTable } from './DashTable.js';
import { EnrolmentCodes } from './EnrolmentCodes.js';
import { EnrolmentQr } from './EnrolmentQr.js';
import type { EnrolmentCode, WardDevice } from './api.js';
import { useDashboard } from './context.js';
import { formatDateTime, formatNumber } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';
import { useErrorMessage } from './use-load.js';

export default function Devices() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const devices = useWardLoad((a) => a.devices(), []);
  const [uses, setUses] = useState('10');
  const [code, setCode] = useState<EnrolmentCode>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<{ device: WardDevice; kind: 'retired' | 'lost' }>();
  const [issued, setIssued] = useState(0);
  const [transferFrom, setTransferFrom] = useState<WardDevice>();
  const [transferTo, setTransferTo] = useState('');
  const [transferred, setTransferred] = useState<{ count: number; name: string }>();
  const targets = (devices.data?.devices ?? []).filter((d) => !d.revokedAt && d.id !== transferFrom?.id);

  const startTransfer = (d: WardDevice) => {
    setTransferFrom(d);
    setTransferTo('');
    setTransferred(undefined);
    setError(undefined);
  };

  const transfer = async () => {
    const from = transferFrom;
    const to = targets.find((d) => d.id === transferTo);
    if (!from || !to) return;
    setBusy(true);
    setError(undefined);
    try {
      const res = await api.transferRecords(from.id, to.id);
      setTransferred({ count: res.records, name: to.volunteerName });
      setTransferFrom(undefined);
      devices.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const issue = async () => {
    const n = Number(uses);
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      setError(t('dashboard.devices.usesInvalid'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      setCode(await api.issueCode(n));
      setIssued((v) => v + 1);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async ({ device: d, kind }: { device: WardDevice; kind: 'retired' | 'lost' }) => {
    setRevoking(undefined);
    try {
      await api.revokeDevice(d.id, kind);
      devices.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="dash-devices-title">
      <h2 id="dash-devices-title">{t('dashboard.devices.title')}</h2>
      <div className="dash-panel">
        <h3>{t('dashboard.devices.issueTitle')}</h3>
        <p className="dash-hint">{t('dashboard.devices.issueHint')}</p>
        <div className="field">
          <label htmlFor="dash-uses">{t('dashboard.devices.uses')}</label>
          <input id="dash-uses" type="number" inputMode="numeric" min={1} max={1000} value={uses} onChange={(e) => setUses(e.target.value)} data-testid="dash-uses" />
        </div>
        <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void issue()} data-testid="dash-issue-code">
          {t('dashboard.devices.issue')}
        </button>
        {error ? (
          <p className="banner banner--error" role="alert">
            {error}
          </p>
        ) : null}
        {code ? (
          <div data-testid="dash-code">
            <p>{t('dashboard.devices.codeFor', { count: code.uses })}</p>
            <p className="dash-code" data-testid="dash-code-text">
              {code.formatted}
            </p>
            <EnrolmentQr link={code.link} />
            <p data-testid="dash-code-expires">
              {t('dashboard.devices.expiresAt')}: {formatDateTime(code.expiresAt)}
            </p>
            <p>
              {t('dashboard.devices.link')}:{' '}
              <a className="dash-link" href={code.link} data-testid="dash-code-link">
                {code.link}
              </a>
            </p>
            <p className="dash-hint">{t('dashboard.devices.codeSecret')}</p>
          </div>
        ) : null}
      </div>
      <EnrolmentCodes version={issued} />
      <h3 id="dash-dev-list">{t('dashboard.devices.listTitle')}</h3>
      {devices.error ? <LoadError error={devices.error} onRetry={devices.reload} /> : null}
      {devices.data ? (
        devices.data.devices.length === 0 ? (
          <p className="notice">{t('dashboard.activity.none')}</p>
        ) : (
          <DashTable
            labelledBy="dash-dev-list"
            testId="dash-devices"
            columns={[t('dashboard.activity.volunteer'), t('dashboard.devices.enrolledAt'), t('dashboard.activity.lastSync'), t('dashboard.devices.households'), t('dashboard.devices.revisions'), t('dashboard.devices.waiting'), t('dashboard.devices.action')]}
          >
            {devices.data.devices.map((d) => (
              <tr key={d.id} className={d.stale ? 'dash-row--flag' : undefined}>
                <th scope="row">
                  {d.volunteerName}
                  {d.stale ? <span className="badge badge--warn">{t('dashboard.activity.stale')}</span> : null}
                </th>
                <td>{formatDateTime(d.enrolledAt)}</td>
                <td>{d.lastSyncAt ? formatDateTime(d.lastSyncAt) : t('dashboard.activity.never')}</td>
                <td title={t('dashboard.activity.cellTitle', { surveyed: d.records.surveyed, notHome: d.records.notHome, refused: d.records.refused })}>
                  {formatNumber(d.records.households, lang)}
                </td>
                <td>{formatNumber(d.records.revisions, lang)}</td>
                <td data-testid="dash-device-waiting">
                  {d.waitingAtLastContact === null ? t('dashboard.devices.waitingUnknown') : formatNumber(d.waitingAtLastContact, lang)}
                  {d.revokeKind === 'lost' && d.waitingAtLastContact ? (
                    <span className="dash-hint"> — {t('dashboard.devices.waitingLost', { count: d.waitingAtLastContact })}</span>
                  ) : null}
                  {d.lastContactAt ? <span className="dash-hint"> ({t('dashboard.devices.lastContact', { at: formatDateTime(d.lastContactAt) })})</span> : null}
                </td>
                <td>
                  {d.revokeKind === 'lost' ? (
                    <span className="badge">{t('dashboard.devices.lostBadge')}</span>
                  ) : (
                    <>
                      {d.revokeKind === 'retired' ? (
                        <span className="badge">{t('dashboard.devices.retiredBadge')}</span>
                      ) : (
                        <button type="button" className="btn btn--small" onClick={() => setRevoking({ device: d, kind: 'retired' })} data-testid="dash-retire">
                          {t('dashboard.devices.retire')}
                        </button>
                      )}{' '}
                      <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setRevoking({ device: d, kind: 'lost' })} data-testid="dash-lost">
                        {t('dashboard.devices.lost')}
                      </button>
                    </>
                  )}{' '}
                  <button type="button" className="btn btn--small" onClick={() => startTransfer(d)} data-testid="dash-transfer-start" data-id={d.id}>
                    {t('dashboard.devices.transfer')}
                  </button>
                </td>
              </tr>
            ))}
          </DashTable>
        )
      ) : devices.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}
      {transferred ? (
        <p className="banner banner--ok" role="status" data-testid="dash-transfer-done">
          {t('dashboard.devices.transferDone', { count: transferred.count, name: transferred.name })}
        </p>
      ) : null}
      {transferFrom ? (
        <div className="dash-panel" data-testid="dash-transfer">
          <h3>{t('dashboard.devices.transferTitle', { name: transferFrom.volunteerName })}</h3>
          <p className="dash-hint">{t('dashboard.devices.transferHint')}</p>
          {targets.length === 0 ? (
            <p className="notice">{t('dashboard.devices.transferNone')}</p>
          ) : (
            <div className="field">
              <label htmlFor="dash-transfer-to">{t('dashboard.devices.transferTo')}</label>
              <select id="dash-transfer-to" value={transferTo} onChange={(e) => setTransferTo(e.target.value)} data-testid="dash-transfer-to">
                <option value="" />
                {targets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.volunteerName} — {formatDateTime(d.enrolledAt)}
                  </option>
                ))}
              </select>
            </div>
          )}
          <button type="button" className="btn btn--primary" disabled={busy || !transferTo} onClick={() => void transfer()} data-testid="dash-transfer-confirm">
            {t('dashboard.devices.transferConfirm')}
          </button>{' '}
          <button type="button" className="btn" onClick={() => setTransferFrom(undefined)}>
            {t('dashboard.devices.transferCancel')}
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={revoking !== undefined}
        message={t(revoking?.kind === 'retired' ? 'dashboard.devices.retireConfirm' : 'dashboard.devices.lostConfirm', { name: revoking?.device.volunteerName ?? '' })}
        confirmLabel={t(revoking?.kind === 'retired' ? 'dashboard.devices.retire' : 'dashboard.devices.lost')}
        onConfirm={() => revoking && void revoke(revoking)}
        onCancel={() => setRevoking(undefined)}
        testId="dash-revoke-dialog"
      />
    </section>
  );
}
