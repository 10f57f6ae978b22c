// Saved households and drafts, searchable (diacritics, đ/d and case ignored) and filterable by
// tổ dân phố. The list is virtualised so thousands of households scroll smoothly on a phone. The
// first screen is a page read by the `savedAt` index; the whole list and search come from the
// in-memory index (storage/search-index.ts), built in the background when the list opens.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { matchesQuery, foldVietnamese } from '../../../shared/domain/text-search.js';
import { appDb } from '../../storage/app-db.js';
import type { Draft, RecordSummary } from '../../storage/db.js';
import { discardDraft, listDrafts } from '../../storage/drafts-repo.js';
import { outboxStates } from '../../storage/records-repo.js';
import { firstSummaryPage } from '../../storage/search-index.js';
import { useSummaryIndex } from '../../ui/use-summary-index.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { SearchInput } from '../../ui/SearchInput.js';
import { formatDate, formatDateTime } from '../../ui/dates.js';
import { href, navigate } from '../../ui/router.js';
import { groupName, useWard } from '../../ward-context.js';
import type { HouseholdForm } from '../survey/form-model.js';

/** Rows shown before the in-memory index is ready: more than one screen on any phone. */
const FIRST_PAGE = 40;

type Row = { kind: 'draft'; draft: Draft } | { kind: 'record'; record: RecordSummary };

function addressOf(houseNumber: string, lane?: string, street?: string): string {
  return [houseNumber, lane, street].map((s) => s?.trim()).filter(Boolean).join(', ');
}

export default function ListScreen() {
  const { t } = useTranslation();
  const ward = useWard();
  const [query, setQuery] = useState('');
  const [group, setGroup] = useState('');
  const [discarding, setDiscarding] = useState<string>();
  const deferredQuery = useDeferredValue(query);
  const { index, version: indexVersion } = useSummaryIndex(appDb);
  // Drafts are few and the outbox is short: read as they change.
  const data = useLiveQuery(async () => {
    const [drafts, states] = await Promise.all([listDrafts(appDb), outboxStates(appDb)]);
    return { drafts, states };
  }, []);
  // The first screen while the index builds: newest saves, read by index.
  const firstPage = useLiveQuery(() => (index.ready ? Promise.resolve(undefined) : firstSummaryPage(appDb, FIRST_PAGE)), [index.ready]);

  const rows = useMemo<Row[]>(() => {
    if (!data) return [];
    const q = foldVietnamese(deferredQuery);
    const drafts = data.drafts.filter((d) => (!group || d.groupCode === group) && (!q || matchesQuery(d.searchText, q)));
    const filter = group ? { groupCode: group } : {};
    const records = index.ready
      ? index.search(q, filter)
      : (firstPage ?? []).filter((r) => (!group || r.groupCode === group) && (!q || matchesQuery(r.searchText, q)));
    return [...drafts.map((draft) => ({ kind: 'draft' as const, draft })), ...records.map((record) => ({ kind: 'record' as const, record }))];
    // indexVersion: the index changed (a save, a sync, another tab).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, firstPage, deferredQuery, group, index, indexVersion]);
  const complete = data !== undefined && index.ready;

  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => 84,
    overscan: 8,
  });

  return (
    <div className="list-screen">
      <h2>{t('list.title')}</h2>
      <div className="field">
        <label htmlFor="list-search">{t('list.search')}</label>
        <SearchInput id="list-search" onValue={setQuery} testId="search-input" />
      </div>
      <div className="field">
        <label htmlFor="list-group">{t('list.filterGroup')}</label>
        <select id="list-group" value={group} onChange={(e) => setGroup(e.currentTarget.value)} data-testid="group-filter">
          <option value="">{t('list.allGroups')}</option>
          {ward?.groups.map((g) => (
            <option key={g.code} value={g.code}>
              {g.name}
            </option>
          ))}
        </select>
      </div>
      <p role="status" data-testid="result-count" data-count={complete ? rows.length : undefined}>
        {complete ? t('list.results', { count: rows.length }) : t('app.loading')}
      </p>
      {complete && rows.length === 0 ? <p className="notice">{t('list.empty')}</p> : null}
      <div ref={parentRef} className="virtual-list" data-testid="household-list">
        <ul style={{ height: virtualizer.getTotalSize() }} className="virtual-list__inner">
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const style = { transform: `translateY(${item.start}px)` };
            if (row.kind === 'draft') {
              const form = row.draft.form as HouseholdForm;
              return (
                <li key={`d-${row.draft.id}`} className="row row--draft" style={style} data-index={item.index} ref={virtualizer.measureElement} data-testid="list-row" data-kind="draft">
                  <a className="row__main" href={href(row.draft.recordId ? { name: 'edit', recordId: row.draft.recordId } : { name: 'survey', draftId: row.draft.id })}>
                    <strong>{addressOf(form.houseNumber ?? '', form.lane, form.street) || t('list.noAddress')}</strong>
                    <span>
                      {row.draft.groupCode ? groupName(ward, row.draft.groupCode) : '—'} · {t('drafts.updatedAt', { time: formatDateTime(row.draft.updatedAt) })}
                    </span>
                    <span className="badge badge--warn">{t('list.draft')}</span>
                  </a>
                  <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setDiscarding(row.draft.id)} data-testid="discard-draft">
                    {t('drafts.discard')}
                  </button>
                </li>
              );
            }
            const { record } = row;
            const state = data?.states.get(record.id) ?? 'synced';
            return (
              <li key={record.id} className="row" style={style} data-index={item.index} ref={virtualizer.measureElement} data-testid="list-row" data-kind="record">
                <a className="row__main" href={href({ name: 'record', id: record.id })}>
                  <strong>{record.address}</strong>
                  <span>
                    {groupName(ward, record.groupCode)} · {formatDate(record.surveyedAt)} · {t(`outcome.${record.outcome}`)}
                    {record.outcome === 'surveyed' ? ` · ${t('list.members', { count: record.memberCount })}` : ''}
                  </span>
                  <span className={`badge badge--${state}`}>{t(`syncState.${state}`)}</span>
                </a>
              </li>
            );
          })}
        </ul>
      </div>
      <ConfirmDialog
        open={discarding !== undefined}
        message={t('drafts.discardConfirm')}
        confirmLabel={t('drafts.discard')}
        testId="discard-dialog"
        onCancel={() => setDiscarding(undefined)}
        onConfirm={() => {
          const id = discarding;
          setDiscarding(undefined);
          if (id) void discardDraft(appDb, id);
        }}
      />
      <button type="button" className="btn btn--block" onClick={() => navigate({ name: 'home' })}>
        {t('app.home')}
      </button>
    </div>
  );
}
