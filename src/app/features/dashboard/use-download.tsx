// A download from the ward API (XLSX, CSV, the A4 page): fetched with the session's token, saved
// from a Blob, with the button that is busy and a status line the screen shows after it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.js';
import { useDashboard } from './context.js';
import { saveBlob } from './format.js';
import { useErrorMessage } from './use-load.js';

export interface DownloadStatus {
  ok: boolean;
  text: string;
}

export function useDownload<Kind extends string>() {
  const { t } = useTranslation();
  const { api, endSession } = useDashboard();
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState<Kind>();
  const [status, setStatus] = useState<DownloadStatus>();

  const download = async (kind: Kind, path: string, fileName: string) => {
    setBusy(kind);
    setStatus(undefined);
    try {
      saveBlob(await api.download(path), fileName);
      setStatus({ ok: true, text: t('dashboard.export.done') });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) endSession();
      setStatus({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(undefined);
    }
  };

  return { busy, status, download };
}

/** The line under the download buttons: done, or what went wrong. */
export function DownloadStatusLine({ status, testId }: { status: DownloadStatus | undefined; testId: string }) {
  if (!status) return null;
  return (
    <p className={`banner ${status.ok ? 'banner--ok' : 'banner--error'}`} role="status" data-testid={testId}>
      {status.text}
    </p>
  );
}
