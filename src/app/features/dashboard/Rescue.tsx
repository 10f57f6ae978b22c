// "Nhận hồ sơ từ máy hỏng": ward staff (staff and admins: the people who enrol and retire the
// team's phones) upload the file a phone exported when it could not sync (the phone's "Xuất hồ
// sơ chưa gửi"). The server checks the phone's signature, opens the file with the ward's key and
// stores each record as the phone's own sync would (POST …/rescue); this screen shows what
// happened to each record. Drafts are unfinished forms: listed for the volunteer to finish on
// another phone, never stored on the server.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_RESCUE_FILE_BYTES } from '../../../shared/crypto/rescue-file.js';
import type { RescueImportAnswer } from './api.js';
import { DashTable } from './DashTable.js';
import { useDashboard } from './context.js';
import { formatDateTime } from './format.js';
import { useErrorMessage } from './use-load.js';

const STATUSES = ['accepted', 'duplicate', 'stale', 'conflict', 'rejected'] as const;

export default function Rescue() {
  const { t } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const inputId = useId();
  const [file, setFile] = useState<File>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [answer, setAnswer] = useState<RescueImportAnswer>();

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      if (file.size > MAX_RESCUE_FILE_BYTES) {
        setError(t('dashboard.rescue.tooLarge'));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        setError(t('dashboard.rescue.notAFile'));
        return;
      }
      setAnswer(await api.rescue(parsed));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="dash-section" data-testid="dash-rescue">
      <h2>{t('dashboard.rescue.title')}</h2>
      <p>{t('dashboard.rescue.intro')}</p>
      <div className="dash-form">
        <label htmlFor={inputId}>{t('dashboard.rescue.choose')}</label>
        <input
          id={inputId}
          type="file"
          accept=".json,application/json"
          data-testid="rescue-file"
          onChange={(e) => {
            setFile(e.target.files?.[0]);
            setAnswer(undefined);
            setError(undefined);
          }}
        />
        <button type="button" className="btn btn--primary" disabled={!file || busy} onClick={() => void upload()} data-testid="rescue-upload">
          {busy ? t('dashboard.rescue.uploading') : t('dashboard.rescue.upload')}
        </button>
      </div>
      {error ? (
        <p className="banner banner--error" role="alert" data-testid="rescue-error">
          {error}
        </p>
      ) : null}
      {answer ? <RescueAnswer answer={answer} /> : null}
    </section>
  );
}

function RescueAnswer({ answer }: { answer: RescueImportAnswer }) {
  const { t } = useTranslation();
  const counts = Object.fromEntries(STATUSES.map((s) => [`data-${s}`, String(answer.counts[s])]));
  return (
    <div data-testid="rescue-result" {...counts}>
      <p role="status">
        {t('dashboard.rescue.summary', {
          name: answer.volunteerName,
          at: formatDateTime(answer.envelope.createdAt),
          records: answer.envelope.records,
          drafts: answer.envelope.drafts,
        })}
      </p>
      {answer.deviceRevoked ? <p className="notice">{t(`dashboard.rescue.revoked_${answer.deviceRevoked}`)}</p> : null}
      <ul className="plain-list" data-testid="rescue-counts">
        {STATUSES.filter((s) => answer.counts[s] > 0).map((s) => (
          <li key={s}>
            {t(`dashboard.rescue.status.${s}`)}: <strong>{answer.counts[s]}</strong>
          </li>
        ))}
      </ul>
      {answer.results.length > 0 ? (
        <DashTable caption={t('dashboard.rescue.recordsCaption')} columns={[t('dashboard.rescue.col.record'), t('dashboard.rescue.col.kind'), t('dashboard.rescue.col.status'), t('dashboard.rescue.col.reason')]} testId="rescue-records">
          {answer.results.map((r) => (
            <tr key={`${r.id}#${r.rev}`} data-testid="rescue-row" data-id={r.id} data-status={r.status}>
              <td>
                <code>{r.id.slice(0, 8)}</code> · {t('dashboard.rescue.rev', { rev: r.rev })}
              </td>
              <td>{r.kind === 'household' || r.kind === 'assistance' ? t(`dashboard.rescue.kind.${r.kind}`) : '—'}</td>
              <td>{t(`dashboard.rescue.status.${r.status}`)}</td>
              <td>{r.errors?.map((e) => e.message).join(' ') ?? ''}</td>
            </tr>
          ))}
        </DashTable>
      ) : null}
      {answer.drafts.length > 0 ? (
        <>
          <p>{t('dashboard.rescue.draftsNote')}</p>
          <DashTable caption={t('dashboard.rescue.draftsCaption')} columns={[t('dashboard.rescue.col.address'), t('dashboard.rescue.col.group'), t('dashboard.rescue.col.members'), t('dashboard.rescue.col.updated')]} testId="rescue-drafts">
            {answer.drafts.map((d) => (
              <tr key={d.id} data-testid="rescue-draft">
                <td>{d.address || t('dashboard.rescue.noAddress')}</td>
                <td>{d.groupCode || '—'}</td>
                <td>{d.members}</td>
                <td>{formatDateTime(d.updatedAt)}</td>
              </tr>
            ))}
          </DashTable>
        </>
      ) : null}
    </div>
  );
}
