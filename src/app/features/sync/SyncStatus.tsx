// What the volunteer always sees about sync: what waits, counted and named by kind ("2 hộ,
// 3 lượt hỗ trợ", one definition of waiting: storage/waiting.ts), progress while sending, the
// last successful sync, errors in plain words, "Đồng bộ ngay", and the records the server did not
// take (rejected / conflict) with its messages and a link to fix each — or, for a record made by
// a newer app than the ward server knows, that it waits on the phone for the server's update. Before enrolment it says
// "Máy chưa đăng ký" and its button leads to enrolment; after, "Máy đã đăng ký với Phường …".
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { appDb } from '../../storage/app-db.js';
import type { AnyStoredRecord, GoCuaDb } from '../../storage/db.js';
import { listHeldRecords } from '../../storage/record-queries.js';
import { dismissServerNotices, serverNotices, type ServerChangeNotice } from '../../storage/server-state.js';
import { getDevice } from '../../sync/device-store.js';
import { getSyncEngine, type SyncEngine } from '../../sync/sync-engine.js';
import { useSyncState } from '../../sync/use-sync-state.js';
import { readWaiting } from '../../storage/waiting.js';
import { awaitsUpdate } from '../../../shared/protocol/sync.js';
import { href } from '../../ui/router.js';
import { useWard } from '../../ward-context.js';
import { kindWords } from './waiting-words.js';
import { formatDateTime } from '../../ui/dates.js';
import { PhoneRetentionNote } from '../wiped/PhoneRetentionNote.js';

export interface SyncStatusProps {
  db?: GoCuaDb;
  engine?: SyncEngine | null;
  /** Where a held household opens for fixing (the app's router decides). */
  recordHref?: (id: string) => string;
}

export function SyncStatus({ db = appDb, engine = getSyncEngine(), recordHref = (id) => href({ name: 'edit', recordId: id }) }: SyncStatusProps) {
  const { t } = useTranslation();
  const state = useSyncState(engine);
  const held = useLiveQuery(() => listHeldRecords(db), [db], [] as AnyStoredRecord[]);
  const ward = useWard();
  // null: read, and no device yet (undefined: not read yet).
  const device = useLiveQuery(async () => (await getDevice(db)) ?? null, [db]);
  // Read from the outbox itself (a live query): right from the first paint, and kept current
  // when another tab is the one sending.
  const waiting = useLiveQuery(() => readWaiting(db), [db]);
  const pending = waiting?.total;
  const sending = state.phase === 'sending';
  // Assistance rows share the table; they have no address (storage/assistance-repo.ts).
  const heldLabel = (row: AnyStoredRecord): string =>
    row.kind === 'assistance'
      ? t('assist.heldLabel', { year: row.record.data.person.birthYear, campaign: row.record.data.campaign ?? '' })
      : t('sync.householdLabel', { house: row.record.data.address.houseNumber, group: row.groupCode });
  // Staff changes the phone took (storage/server-state.ts): told until the volunteer dismisses them.
  // Held for the volunteer to fix, or waiting on the phone for the ward server's update.
  const forUpdate = held.filter((row) => awaitsUpdate(row.serverErrors));
  const toFix = held.filter((row) => !awaitsUpdate(row.serverErrors));
  const notices = useLiveQuery(() => serverNotices(db), [db], [] as ServerChangeNotice[]);
  const noticeLabel = (n: ServerChangeNotice): string =>
    n.recordKind === 'assistance'
      ? t('sync.staff.assistanceLabel', { year: n.label.birthYear ?? '' })
      : t('sync.householdLabel', { house: n.label.house ?? '', group: n.label.group ?? '' });
  const notEnrolled = device === null;
  const needsEnrolment = notEnrolled || state.error?.code === 'not_enrolled' || state.error?.code === 'unauthorized';
  const phase = notEnrolled ? 'notEnrolled' : state.phase === 'idle' && (pending ?? 0) > 0 ? 'queued' : state.phase;
  const wardName = device && ward && ward.code === device.wardCode ? ward.name : device?.wardCode;

  return (
    <section className="sync-status" aria-labelledby="sync-status-title" data-testid="sync-status" data-phase={state.phase}>
      <h2 id="sync-status-title">{t('sync.title')}</h2>
      <p className="sync-status__phase" role="status" data-testid="sync-phase">
        {/* Idle with records queued: before the first run, or while another tab sends. */}
        {t(`sync.phase.${phase}`)}
      </p>
      {waiting === undefined ? null : (
        <p data-testid="sync-pending" data-count={waiting.total} data-households={waiting.byKind.household ?? 0} data-assistances={waiting.byKind.assistance ?? 0}>
          {waiting.total > 0 ? t('sync.pending', { what: kindWords(t, waiting.byKind) }) : t('sync.nothingPending')}
        </p>
      )}
      {sending || state.sent > 0 ? (
        <div className="sync-status__progress">
          <progress value={state.sent} max={Math.max(state.total, 1)} aria-label={t('sync.title')} />
          <span data-testid="sync-progress" data-sent={state.sent} data-total={state.total}>
            {state.sent > 0
              ? t('sync.progressWhat', { sent: state.sent, total: state.total, what: kindWords(t, state.sentByKind) })
              : t('sync.progress', { sent: state.sent, total: state.total })}
          </span>
        </div>
      ) : null}
      <p data-testid="sync-last-success">
        {state.lastSuccessAt ? t('sync.lastSuccess', { time: formatDateTime(state.lastSuccessAt) }) : t('sync.neverSynced')}
      </p>
      <PhoneRetentionNote db={db} />
      {notEnrolled ? (
        <p className="hint" data-testid="sync-not-enrolled">
          {t('sync.notEnrolledHint')}
        </p>
      ) : state.error ? (
        <p className="error" role="alert" data-testid="sync-error" data-code={state.error.code}>
          {t(state.error.messageKey)}
          {state.phase === 'waiting' && state.retryAt ? ` ${t('sync.retryAt', { time: formatDateTime(state.retryAt) })}` : null}
        </p>
      ) : null}
      {device && !device.revokedAt ? (
        <p className="ok" data-testid="sync-device">
          {t('sync.enrolled', { name: device.volunteerName, ward: wardName })}
        </p>
      ) : null}
      {needsEnrolment ? (
        // Before enrolment (or after a revocation) sending cannot work: the button leads to enrolment.
        <a className="btn btn--primary btn--big btn--block" href={href({ name: 'enrol' })} data-testid="sync-enrol">
          {t('sync.enrolNow')}
        </a>
      ) : (
        <button
          type="button"
          className="btn btn--primary btn--big btn--block"
          disabled={!engine || sending}
          onClick={() => void engine?.syncNow()}
          data-testid="sync-now"
        >
          {t('sync.syncNow')}
        </button>
      )}
      {notices.length > 0 ? (
        <div className="sync-status__staff notice" role="status" data-testid="sync-staff-changes">
          <h3>{t('sync.staff.title')}</h3>
          <ul>
            {notices.map((n) => (
              <li key={n.recordId} data-testid="sync-staff-change" data-id={n.recordId} data-voided={n.voided ? '1' : '0'}>
                {t(n.voided ? 'sync.staff.voided' : 'sync.staff.changed', { label: noticeLabel(n) })}
                {n.editKept ? <p className="hint">{t('sync.staff.editKept')}</p> : null}
                {n.editDropped ? <p className="hint">{t('sync.staff.editDropped')}</p> : null}
              </li>
            ))}
          </ul>
          <button type="button" className="btn" onClick={() => void dismissServerNotices(db)} data-testid="sync-staff-dismiss">
            {t('sync.staff.dismiss')}
          </button>
        </div>
      ) : null}
      {held.length > 0 ? (
        <div className="sync-status__held" data-testid="sync-held">
          <h3>{t('sync.heldTitle')}</h3>
          {toFix.length > 0 ? <p>{t('sync.held', { what: kindWords(t, countKinds(toFix)) })}</p> : null}
          {forUpdate.length > 0 ? <p data-testid="sync-awaiting-update">{t('sync.awaitingUpdate', { what: kindWords(t, countKinds(forUpdate)) })}</p> : null}
          <ul>
            {held.map((row) => (
              <li key={row.id} data-testid="sync-held-item" data-id={row.id} data-state={row.syncState} data-awaits-update={awaitsUpdate(row.serverErrors) ? '1' : '0'}>
                <strong>{heldLabel(row)}</strong>{' '}
                <span className="badge">{awaitsUpdate(row.serverErrors) ? t('sync.heldUpdate') : row.syncState === 'conflict' ? t('sync.heldConflict') : t('sync.heldRejected')}</span>
                <p className="hint">{awaitsUpdate(row.serverErrors) ? t('sync.heldUpdateHelp') : row.syncState === 'conflict' ? t('sync.heldConflictHelp') : t('sync.heldHelp')}</p>
                {row.serverErrors && row.serverErrors.length > 0 ? (
                  <ul className="error">
                    {row.serverErrors.map((e, i) => (
                      <li key={`${e.path}-${i}`}>{e.message || e.code}</li>
                    ))}
                  </ul>
                ) : null}
                {awaitsUpdate(row.serverErrors) ? null : (
                  <a className="btn" href={row.kind === 'assistance' ? href({ name: 'assist', againId: row.id }) : recordHref(row.id)}>
                    {t('sync.openRecord')}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function countKinds(rows: AnyStoredRecord[]): Partial<Record<string, number>> {
  const byKind: Partial<Record<string, number>> = {};
  for (const r of rows) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  return byKind;
}

export default SyncStatus;
