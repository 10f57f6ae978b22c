// Picks a household saved on this phone (search by address / names, like the list) and then the
// member helped. Only this phone's own households: a volunteer never sees others' data.
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HouseholdRecord } from '../../../shared/schema/household.js';
import { appDb } from '../../storage/app-db.js';
import { getHousehold, searchSummaries } from '../../storage/records-repo.js';
import { SearchInput } from '../../ui/SearchInput.js';

export interface PickedLink {
  household: HouseholdRecord;
  memberId?: string;
}

export function HouseholdPicker({ onPick }: { onPick: (link: PickedLink) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [household, setHousehold] = useState<HouseholdRecord | null>(null);
  const matches = useLiveQuery(async () => (query.trim() ? (await searchSummaries(appDb, query)).filter((s) => s.outcome === 'surveyed').slice(0, 8) : []), [query]);

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
