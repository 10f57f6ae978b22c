// "Yêu cầu về dữ liệu cá nhân": the ward admin registers a resident's request (kind, who asked,
// how identity was checked, the day received), sees the deadlines and late flags, then on the
// request: finds the person (name, phone, CCCD), selects the records, downloads the copy (A4
// HTML, JSON), corrects a field, erases (after a confirmation naming what goes) or records a
// withdrawal of consent, and marks the request acknowledged / answered. Every call is audited
// on the server (docs/api.md "Personal-data requests").
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../ui/ConfirmDialog.js';
import { DashTable } from '../DashTable.js';
import { RELATIONS, SEXES } from '../../../../shared/schema/household-constants.js';
import { DATA_REQUEST_DEFAULTS } from '../../../../shared/schema/ward-config.js';
import { useDashboard } from '../context.js';
import { useWardLoad } from '../hooks.js';
import { saveBlob, todayVietnam } from '../format.js';
import { useErrorMessage, useLoad } from '../use-load.js';
import { LoadError } from '../LoadError.js';
import './privacy.css';
import {
  IDENTITY_CHECKS,
  privacyApi,
  REQUEST_KINDS,
  REQUESTERS,
  sameRef,
  type DataRequest,
  type ErasurePreview,
  type NewRequest,
  type PersonMatch,
  type PrivacyApi,
  type SubjectRef,
} from './api.js';

const refKey = (r: SubjectRef) => (r.kind === 'member' ? `${r.recordId}/${r.memberId}` : `${r.kind}:${r.recordId}`);

const FIELDS: Record<SubjectRef['kind'], readonly string[]> = {
  member: ['name', 'birthYear', 'sex', 'relation', 'cccd', 'phone'],
  assistance: ['name', 'birthYear', 'phone'],
  household: ['houseNumber', 'lane', 'street', 'consenterName'],
};

interface Status {
  ok: boolean;
  text: string;
}

function StatusLine({ status, testId }: { status: Status | undefined; testId: string }) {
  if (!status) return null;
  return (
    <p className={`banner ${status.ok ? 'banner--ok' : 'banner--error'}`} role={status.ok ? 'status' : 'alert'} data-testid={testId}>
      {status.text}
    </p>
  );
}

export default function Privacy() {
  const { t } = useTranslation();
  const { session } = useDashboard();
  // Ward admins only (the server says 403 to ward_staff too).
  if (session.role !== 'ward_admin') return <p className="notice">{t('privacy.adminOnly')}</p>;
  return <PrivacyScreen />;
}

function PrivacyScreen() {
  const { t, i18n } = useTranslation();
  const { session, endSession } = useDashboard();
  const api = useMemo(() => privacyApi(session, i18n.language), [session, i18n.language]);
  const list = useLoad(() => api.list(), [api], endSession);
  const [openId, setOpenId] = useState<string>();
  const open = list.data?.requests.find((r) => r.id === openId);

  return (
    <section aria-labelledby="privacy-title">
      <h2 id="privacy-title">{t('privacy.title')}</h2>
      <p className="dash-hint">{t('privacy.intro')}</p>
      <DeadlineSettings />
      <RegisterForm api={api} onRegistered={(r) => { setOpenId(r.id); list.reload(); }} />
      <h3 id="privacy-list-title">{t('privacy.listTitle')}</h3>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      {list.data && list.data.requests.length === 0 ? <p className="notice">{t('privacy.none')}</p> : null}
      {list.data && list.data.requests.length > 0 ? (
        <DashTable
          labelledBy="privacy-list-title"
          testId="privacy-list"
          columns={[t('privacy.col.received'), t('privacy.col.kind'), t('privacy.col.status'), t('privacy.col.ackDue'), t('privacy.col.answerDue'), t('privacy.col.open')]}
        >
          {list.data.requests.map((r) => (
            <tr key={r.id} className={r.acknowledgeLate || r.answerLate ? 'dash-row--flag' : undefined} data-testid="privacy-row">
              <td>{r.receivedOn}</td>
              <td>{t(`privacy.kinds.${r.kind}`)}</td>
              <td>{t(`privacy.statuses.${r.status}`)}</td>
              <td>
                {r.acknowledgeDue}
                {r.acknowledgeLate ? <span className="badge badge--warn" data-testid="privacy-late">{t('privacy.late')}</span> : null}
              </td>
              <td>
                {r.answerDue}
                {r.answerLate ? <span className="badge badge--warn" data-testid="privacy-late">{t('privacy.late')}</span> : null}
              </td>
              <td>
                <button type="button" className="btn btn--small" aria-pressed={r.id === openId} onClick={() => setOpenId(r.id)} data-testid="privacy-open">
                  {t('privacy.open')}
                </button>
              </td>
            </tr>
          ))}
        </DashTable>
      ) : null}
      {open ? <RequestPanel key={open.id} api={api} request={open} onChanged={list.reload} /> : null}
    </section>
  );
}

/** The ward's deadlines for requests (ward settings, audited by the settings route). */
function DeadlineSettings() {
  const { t } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const settings = useWardLoad((a) => a.settings(), []);
  const [draft, setDraft] = useState<{ ack: string; answer: string }>();
  const [status, setStatus] = useState<Status>();
  const loaded = settings.data?.settings;
  const shown = draft ?? {
    ack: String(loaded?.dataRequestAcknowledgeWorkingDays ?? DATA_REQUEST_DEFAULTS.acknowledgeWorkingDays),
    answer: String(loaded?.dataRequestAnswerDays ?? DATA_REQUEST_DEFAULTS.answerDays),
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(undefined);
    const ack = Number(shown.ack);
    const answer = Number(shown.answer);
    if (!Number.isInteger(ack) || !Number.isInteger(answer)) {
      setStatus({ ok: false, text: t('privacy.deadlinesInvalid') });
      return;
    }
    try {
      await api.saveSettings({ dataRequestAcknowledgeWorkingDays: ack, dataRequestAnswerDays: answer });
      setStatus({ ok: true, text: t('privacy.deadlinesSaved') });
      settings.reload();
    } catch (err) {
      setStatus({ ok: false, text: errorMessage(err) });
    }
  };

  if (settings.error) return <LoadError error={settings.error} onRetry={settings.reload} />;
  return (
    <details className="dash-panel privacy-deadlines">
      <summary>{t('privacy.deadlinesTitle')}</summary>
      <form onSubmit={(e) => void save(e)}>
        <p className="dash-hint">{t('privacy.deadlinesHint')}</p>
        <div className="field">
          <label htmlFor="privacy-ack-days">{t('privacy.ackDays')}</label>
          <input id="privacy-ack-days" type="number" inputMode="numeric" min={1} max={10} value={shown.ack} onChange={(e) => setDraft({ ...shown, ack: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="privacy-answer-days">{t('privacy.answerDays')}</label>
          <input id="privacy-answer-days" type="number" inputMode="numeric" min={1} max={60} value={shown.answer} onChange={(e) => setDraft({ ...shown, answer: e.target.value })} />
        </div>
        <button type="submit" className="btn" disabled={!loaded}>
          {t('privacy.deadlinesSave')}
        </button>
        <StatusLine status={status} testId="privacy-deadlines-status" />
      </form>
    </details>
  );
}

function RegisterForm({ api, onRegistered }: { api: PrivacyApi; onRegistered: (r: DataRequest) => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [draft, setDraft] = useState<NewRequest>(() => ({ kind: 'access', requester: 'self', identityCheck: 'cccd_seen', receivedOn: todayVietnam() }));
  const [name, setName] = useState('');
  const [status, setStatus] = useState<Status>();
  const [busy, setBusy] = useState(false);
  const edit = (patch: Partial<NewRequest>) => setDraft((d) => ({ ...d, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setStatus(undefined);
    try {
      const created = await api.register({ ...draft, ...(name.trim() ? { requesterName: name.trim() } : {}) });
      setStatus({ ok: true, text: t('privacy.registered', { ack: created.acknowledgeDue, answer: created.answerDue }) });
      setName('');
      onRegistered(created);
    } catch (err) {
      setStatus({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="dash-panel" onSubmit={(e) => void submit(e)} aria-labelledby="privacy-new-title" data-testid="privacy-new">
      <h3 id="privacy-new-title">{t('privacy.newTitle')}</h3>
      <div className="field">
        <label htmlFor="privacy-kind">{t('privacy.kind')}</label>
        <select id="privacy-kind" value={draft.kind} onChange={(e) => edit({ kind: e.target.value as NewRequest['kind'] })} data-testid="privacy-kind">
          {REQUEST_KINDS.map((k) => (
            <option key={k} value={k}>{t(`privacy.kinds.${k}`)}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="privacy-requester">{t('privacy.requester')}</label>
        <select
          id="privacy-requester"
          value={draft.requester}
          onChange={(e) => {
            const requester = e.target.value as NewRequest['requester'];
            // A guardian's own document is what is checked for a child's request.
            edit(requester === 'guardian' ? { requester, identityCheck: 'guardian_document' } : { requester });
          }}
          data-testid="privacy-requester"
        >
          {REQUESTERS.map((k) => (
            <option key={k} value={k}>{t(`privacy.requesters.${k}`)}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="privacy-requester-name">{t('privacy.requesterName')}</label>
        <input id="privacy-requester-name" type="text" maxLength={80} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="privacy-identity">{t('privacy.identityCheck')}</label>
        <select id="privacy-identity" value={draft.identityCheck} onChange={(e) => edit({ identityCheck: e.target.value as NewRequest['identityCheck'] })} data-testid="privacy-identity">
          {IDENTITY_CHECKS.map((k) => (
            <option key={k} value={k}>{t(`privacy.identityChecks.${k}`)}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="privacy-received">{t('privacy.receivedOn')}</label>
        <input id="privacy-received" type="date" required value={draft.receivedOn} onChange={(e) => edit({ receivedOn: e.target.value })} data-testid="privacy-received" />
      </div>
      <button type="submit" className="btn btn--primary" disabled={busy} data-testid="privacy-register">
        {t('privacy.register')}
      </button>
      <StatusLine status={status} testId="privacy-register-status" />
    </form>
  );
}

interface Pending {
  action: 'erase' | 'withdraw';
  ref: SubjectRef;
  preview: ErasurePreview;
}

function RequestPanel({ api, request, onChanged }: { api: PrivacyApi; request: DataRequest; onChanged: () => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [query, setQuery] = useState({ name: '', phone: '', cccd: '' });
  const [matches, setMatches] = useState<PersonMatch[]>();
  const [known, setKnown] = useState<Map<string, PersonMatch>>(() => new Map());
  const [links, setLinks] = useState<SubjectRef[]>(request.records);
  const [status, setStatus] = useState<Status>();
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending>();
  const closed = request.status === 'answered' || request.status === 'rejected';

  const run = async (work: () => Promise<string | undefined>) => {
    setBusy(true);
    setStatus(undefined);
    try {
      const text = await work();
      if (text) setStatus({ ok: true, text });
    } catch (err) {
      setStatus({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const search = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== ''));
      const found = (await api.search(request.id, q)).matches;
      setMatches(found);
      setKnown((m) => new Map([...m, ...found.map((x) => [refKey(x.ref), x] as const)]));
      return undefined;
    });
  };

  const label = (ref: SubjectRef) => {
    const m = known.get(refKey(ref));
    if (!m) return t(`privacy.who.${ref.kind}`, { id: ref.recordId.slice(0, 8) });
    return [m.name ?? t('privacy.noName'), m.birthYear ? t('privacy.born', { year: m.birthYear }) : null, m.groupName ?? m.groupCode, m.address].filter(Boolean).join(' · ');
  };

  const saveLinks = () => void run(async () => {
    await api.link(request.id, links);
    onChanged();
    return t('privacy.linksSaved');
  });

  const ask = (action: Pending['action'], ref: SubjectRef) => void run(async () => {
    const preview = action === 'erase' ? (await api.erasePreview(request.id, ref)).preview : (await api.withdrawPreview(request.id, ref, ref.kind === 'assistance' ? 'assistance' : 'survey')).preview;
    setPending({ action, ref, preview });
    return undefined;
  });

  const confirm = () => {
    const p = pending;
    setPending(undefined);
    if (!p) return;
    void run(async () => {
      if (p.action === 'erase') await api.erase(request.id, p.ref);
      else await api.withdraw(request.id, p.ref, p.ref.kind === 'assistance' ? 'assistance' : 'survey');
      onChanged();
      return t(p.action === 'erase' ? 'privacy.erased' : 'privacy.withdrawn');
    });
  };

  const download = (format: 'json' | 'html') => void run(async () => {
    saveBlob(await api.download(request.id, format), `du-lieu-ca-nhan-${request.id.slice(0, 8)}.${format}`);
    onChanged();
    return t('privacy.exported');
  });

  const mark = (s: 'acknowledged' | 'answered') => void run(async () => {
    await api.status(request.id, s);
    onChanged();
    return undefined;
  });

  const linkedSaved = (ref: SubjectRef) => request.records.some((r) => sameRef(r, ref));

  return (
    <div className="dash-panel" data-testid="privacy-request" aria-labelledby="privacy-request-title" role="region">
      <h3 id="privacy-request-title">{t('privacy.requestTitle', { date: request.receivedOn, kind: t(`privacy.kinds.${request.kind}`) })}</h3>
      <p>
        {t(`privacy.statuses.${request.status}`)} · {t('privacy.col.ackDue')}: {request.acknowledgeDue} · {t('privacy.col.answerDue')}: {request.answerDue}
      </p>
      <p data-testid="privacy-requester-line">
        {t('privacy.requester')}: {t(`privacy.requesters.${request.requester}`)}
        {request.requesterName ? ` (${request.requesterName})` : null} · {t('privacy.identityCheck')}: {t(`privacy.identityChecks.${request.identityCheck}`)}
        {request.consentWithdrawn ? ` · ${t('privacy.withdrawTitle')}: ${t(`privacy.purpose.${request.consentWithdrawn === 'assistance' ? 'assistance' : 'survey'}`)}` : null}
      </p>
      <div className="dash-actions">
        <button type="button" className="btn btn--small" disabled={busy || request.acknowledgedOn !== null} onClick={() => mark('acknowledged')} data-testid="privacy-ack">
          {t('privacy.markAcknowledged')}
        </button>
        <button type="button" className="btn btn--small" disabled={busy || closed} onClick={() => mark('answered')} data-testid="privacy-answered">
          {t('privacy.markAnswered')}
        </button>
      </div>
      <StatusLine status={status} testId="privacy-status" />

      <form onSubmit={search} aria-labelledby="privacy-search-title">
        <h4 id="privacy-search-title">{t('privacy.searchTitle')}</h4>
        <p className="dash-hint">{t('privacy.searchHint')}</p>
        {(['name', 'phone', 'cccd'] as const).map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`privacy-q-${k}`}>{t(`privacy.${k}`)}</label>
            <input
              id={`privacy-q-${k}`}
              type={k === 'name' ? 'search' : 'tel'}
              inputMode={k === 'name' ? undefined : 'numeric'}
              autoComplete="off"
              value={query[k]}
              onChange={(e) => setQuery((q) => ({ ...q, [k]: e.target.value }))}
              data-testid={`privacy-q-${k}`}
            />
          </div>
        ))}
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="privacy-search">
          {t('privacy.search')}
        </button>
      </form>
      {matches ? (
        matches.length === 0 ? (
          <p className="notice" role="status">{t('privacy.noMatch')}</p>
        ) : (
          <ul className="privacy-list" aria-label={t('privacy.matches', { count: matches.length })} data-testid="privacy-matches">
            {matches.map((m) => {
              const chosen = links.some((r) => sameRef(r, m.ref));
              const where = m.ref.kind === 'assistance' ? 'matchAssistance' : m.consenter ? 'matchConsenter' : 'matchHousehold';
              return (
                <li key={refKey(m.ref)} data-testid="privacy-match">
                  <strong>{m.name ?? t('privacy.noName')}</strong>
                  {m.birthYear ? ` · ${t('privacy.born', { year: m.birthYear })}` : null}
                  {m.relation ? ` · ${t(`relation.${m.relation}`)}` : null}
                  {m.voided ? ` · ${t('privacy.voided')}` : null}
                  {m.child ? (
                    <span className="badge badge--warn" data-testid="privacy-child">
                      {t('privacy.child')}
                    </span>
                  ) : null}
                  <br />
                  {t(`privacy.${where}`, { group: m.groupName ?? m.groupCode ?? '—', date: m.surveyedAt ?? '—' })}
                  {m.address ? ` · ${m.address}` : null}
                  <br />
                  <button type="button" className="btn btn--small" disabled={chosen} onClick={() => setLinks((l) => [...l, m.ref])} data-testid="privacy-select">
                    {t('privacy.select')}
                  </button>
                </li>
              );
            })}
          </ul>
        )
      ) : null}

      <h4>{t('privacy.linkedTitle')}</h4>
      {links.length === 0 ? <p className="notice">{t('privacy.noLinked')}</p> : null}
      <ul className="privacy-list" data-testid="privacy-linked">
        {links.map((ref) => (
          <li key={refKey(ref)} data-testid="privacy-linked-item">
            {label(ref)}{' '}
            <button type="button" className="btn btn--small" onClick={() => setLinks((l) => l.filter((r) => !sameRef(r, ref)))}>
              {t('privacy.unlink')}
            </button>
            {linkedSaved(ref) && !closed ? (
              <SubjectActions request={request} subject={ref} busy={busy} onAsk={ask} api={api} run={run} onChanged={onChanged} />
            ) : null}
          </li>
        ))}
      </ul>
      <button type="button" className="btn" disabled={busy} onClick={saveLinks} data-testid="privacy-save-links">
        {t('privacy.saveLinks')}
      </button>

      <h4>{t('privacy.exportTitle')}</h4>
      <div className="dash-actions">
        <button type="button" className="btn" disabled={busy || request.records.length === 0} onClick={() => download('html')} data-testid="privacy-export-html">
          {t('privacy.exportHtml')}
        </button>
        <button type="button" className="btn" disabled={busy || request.records.length === 0} onClick={() => download('json')} data-testid="privacy-export-json">
          {t('privacy.exportJson')}
        </button>
      </div>

      {request.actions.length > 0 ? (
        <>
          <h4>{t('privacy.actionsTitle')}</h4>
          <ul className="privacy-list" data-testid="privacy-actions">
            {request.actions.map((a, i) => (
              <li key={i}>
                {a.at.slice(0, 16).replace('T', ' ')} · {a.by} · {a.action}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <ConfirmDialog
        open={pending !== undefined}
        message={pending ? t(pending.action === 'erase' ? 'privacy.eraseConfirm' : 'privacy.withdrawConfirm', { who: label(pending.ref) }) : ''}
        confirmLabel={pending?.action === 'withdraw' ? t('privacy.withdrawTitle') : t('privacy.erase')}
        onConfirm={confirm}
        onCancel={() => setPending(undefined)}
        testId="privacy-confirm"
      >
        {pending ? (
          <p>
            {t('privacy.eraseWhat', {
              records: pending.preview.records.length,
              revisions: pending.preview.records.reduce((n, r) => n + r.revisions, 0),
              conflicts: pending.preview.records.reduce((n, r) => n + r.conflicts, 0),
              fields: pending.preview.fields.join(', '),
            })}
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

interface SubjectActionsProps {
  request: DataRequest;
  subject: SubjectRef;
  busy: boolean;
  api: PrivacyApi;
  onAsk: (action: Pending['action'], ref: SubjectRef) => void;
  run: (work: () => Promise<string | undefined>) => Promise<void>;
  onChanged: () => void;
}

/** What the request's kind allows on one selected record. */
function SubjectActions({ request, subject, busy, api, onAsk, run, onChanged }: SubjectActionsProps) {
  const { t } = useTranslation();
  const fields = FIELDS[subject.kind];
  const [field, setField] = useState(fields[0]!);
  const [value, setValue] = useState('');
  const id = refKey(subject).replace(/[^a-z0-9]/gi, '');

  if (request.kind === 'correction') {
    const choices: readonly string[] | undefined = field === 'sex' ? SEXES : field === 'relation' ? RELATIONS : undefined;
    const save = (e: FormEvent) => {
      e.preventDefault();
      void run(async () => {
        const v = value.trim() === '' ? null : field === 'birthYear' ? Number(value) : value;
        const res = await api.correct(request.id, subject, field, v);
        onChanged();
        return t('privacy.corrected', { field: res.field });
      });
    };
    return (
      <form onSubmit={save} className="dash-panel" aria-label={t('privacy.correctTitle')}>
        <div className="field">
          <label htmlFor={`privacy-field-${id}`}>{t('privacy.field')}</label>
          <select
            id={`privacy-field-${id}`}
            value={field}
            onChange={(e) => {
              setField(e.target.value);
              setValue('');
            }}
            data-testid="privacy-field"
          >
            {fields.map((f) => (
              <option key={f} value={f}>{t(`privacy.fields.${f}`)}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`privacy-value-${id}`}>{t('privacy.value')}</label>
          {choices ? (
            // Answers chosen from a list keep their stored codes; the labels are the survey's own.
            <select id={`privacy-value-${id}`} value={value} onChange={(e) => setValue(e.target.value)} data-testid="privacy-value">
              <option value="">—</option>
              {choices.map((c) => (
                <option key={c} value={c}>{t(`${field}.${c}`)}</option>
              ))}
            </select>
          ) : (
            <input
              id={`privacy-value-${id}`}
              type="text"
              inputMode={field === 'birthYear' || field === 'phone' || field === 'cccd' ? 'numeric' : undefined}
              autoComplete="off"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              data-testid="privacy-value"
            />
          )}
        </div>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="privacy-correct">
          {t('privacy.correct')}
        </button>
      </form>
    );
  }
  if (request.kind === 'erasure') {
    return (
      <button type="button" className="btn btn--danger-outline btn--small" disabled={busy} onClick={() => onAsk('erase', subject)} data-testid="privacy-erase">
        {t('privacy.erase')}
      </button>
    );
  }
  if (request.kind === 'withdraw_consent' && subject.kind !== 'member') {
    return (
      <button type="button" className="btn btn--danger-outline btn--small" disabled={busy} onClick={() => onAsk('withdraw', subject)} data-testid="privacy-withdraw">
        {t(subject.kind === 'assistance' ? 'privacy.withdrawAssistance' : 'privacy.withdraw')}
      </button>
    );
  }
  return null;
}
