// One line under the sync status after phone retention removed records (storage/phone-retention.ts),
// so a volunteer who no longer finds an old household in the list knows why.
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import type { GoCuaDb } from '../../storage/db.js';
import { getMeta, META_KEYS } from '../../storage/meta.js';

export function PhoneRetentionNote({ db }: { db: GoCuaDb }) {
  const { t } = useTranslation();
  const last = useLiveQuery(() => getMeta(db, META_KEYS.phoneRetention), [db]);
  if (!last || !(last.removed > 0)) return null;
  return (
    <p className="hint" data-testid="sync-pruned" data-count={last.removed}>
      {t('wiped.pruned', { count: last.removed, days: last.days })}
    </p>
  );
}
