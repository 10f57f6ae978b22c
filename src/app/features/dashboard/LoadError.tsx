import { useTranslation } from 'react-i18next';
import { useErrorMessage } from './use-load.js';

/** A failed load, its message and a retry button. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  return (
    <div className="banner banner--error" role="alert" data-testid="dash-error">
      <span>{message(error)}</span>
      <button type="button" className="btn btn--small" onClick={onRetry}>
        {t('dashboard.retry')}
      </button>
    </div>
  );
}
