// Picks a household saved on this phone (search by address / names, like the list) and then the
// member helped. Only this phone's own households: a volunteer never sees others' data.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HouseholdRecord } from '../../../shared/schema/household.js';
import { appDb } from '../../storage/app-db.js';
import { getHousehold } from '../../storage/records-repo.js';
import { useSummaryIndex } from '../../ui/use-summary-index.js';
import { SearchInput } from '../../ui/SearchInput.js';

export interface PickedLink {
  household: HouseholdRecord;
  memberId?: string;
}

export function HouseholdPicker({ onPick }: { onPick: (link: PickedLink) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [household, setHousehold] = useState<HouseholdRecord | null>(null);
  const { index, version } = useSummaryIndex(appDb);
  // undefined while the index builds (the list shows nothing rather than a wrong "no match").
  const matches = useMemo(
    () => (!query.trim() ? [] : index.ready ? index.search(query).filter((s) => s.outcome === 'surveyed').slice(0, 8) : undefined),
    // version: the index changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [query, index, version],
  );

  async function choose(id: string) {
    const row = await getHousehold(appDb, id);
    if (row) setHousehold(row.record);
  }

  if (household) {
    return (
      <fieldset data-testid="assist-pick-member">
        <legend>{t('assist.linkMember')}</legend>
        <div className="toggles">
          {household.data.members.map((m, i) => (
            <button type="button" key={m.id} className="toggle toggle--small" aria-pressed={false} onClick={() => onPick({ household, memberId: m.id })} data-testid="assist-member">
              {m.name ?? t('assist.memberNoName', { n: i + 1 })} ({m.birthYear})
            </button>
          ))}
        </div>
      </fieldset>
    );
  }
  return (
    <div className="field">
      <label htmlFor="assist-link-search">{t('assist.link')}</label>
      <SearchInput id="assist-link-search" placeholder={t('assist.linkSearch')} onValue={setQuery} testId="assist-link-search" />
      {query.trim() && matches?.length === 0 ? <p className="hint">{t('assist.linkNone')}</p> : null}
      <ul className="plain-list">
        {matches?.map((s) => (
          <li key={s.id}>
            <button type="button" className="btn btn--block" onClick={() => void choose(s.id)} data-testid="assist-household">
              {s.address} · {s.groupCode}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
