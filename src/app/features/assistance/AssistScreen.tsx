// Fast entry of one help at a campaign table (#/assist). One screen: the remembered campaign and
// place, big toggles for the kinds and the outcome (aria-pressed), reasons when not done, the year
// of birth by number pad (two digits, or a decade shortcut + one digit), optional name / phone /
// household link. Name and phone appear only after the person agreed to have them kept (the
// ward's assistance notice, read aloud; issue 12); "no" keeps the year and what was done. The rules (checks, the record's data, the save as the boundary between people,
// the unsaved entry kept across a reload) live in assist-model.ts; this file only shows them.
// A save is confirmed in a role=status line fixed just below the sticky header (≥ 3 s, with a
// short vibration where the phone has one); a refused save clears that line, marks the entry
// "CHƯA LƯU", and moves the focus to its first problem.
// "Installed VNeID, done": kind, outcome, year field, two digits, save = 6 taps.
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { vneidUpdateSuggestion } from '../../../shared/domain/follow-up.js';
import { ASSISTANCE_KINDS, ASSISTANCE_OUTCOMES, ASSISTANCE_REASONS, type AssistanceRecord } from '../../../shared/schema/assistance.js';
import type { HouseholdRecord } from '../../../shared/schema/household.js';
import type { FieldError } from '../../../shared/domain/validation.js';
import { TEACHING_CARDS } from '../../../../seeds/teaching/index.js';
import { appDb } from '../../storage/app-db.js';
import { getAssistance, getCampaignMemory, getLastSavedAssistance } from '../../storage/assistance-repo.js';
import { getHousehold, saveHousehold } from '../../storage/records-repo.js';
import { requestSync } from '../../sync/sync-engine.js';
import { currentLanguage } from '../../i18n/index.js';
import { currentAssistanceNotice } from '../../storage/ward-config.js';
import { useWard } from '../../ward-context.js';
import { HouseholdPicker } from './HouseholdPicker.js';
import {
  chooseConsent,
  chooseOutcome,
  contactAllowed,
  DECADES,
  emptyEntry,
  entryFromRecord,
  fromMember,
  keepEntry,
  loadEntry,
  needsReason,
  pickDecade,
  submitEntry,
  toggleKind,
  typeYear,
  type AssistEntry,
} from './assist-model.js';
import './assistance.css';

export interface AssistScreenProps {
  householdId?: string;
  memberId?: string;
  againId?: string;
  cardId?: string;
}

interface VneidOffer {
  household: HouseholdRecord;
  memberName: string;
  level: 'level1' | 'level2';
  memberId: string;
}

/** How long "Đã lưu" stays on screen (the issue asks for at least 3 s). */
const SAVED_MS = 4000;

/** Where each problem's control is, to focus the first one after a refused save. */
const FOCUS_OF: Record<string, string> = {
  kinds: '[data-testid^="kind-"]',
  outcome: '[data-testid^="outcome-"]',
  reason: '[data-testid^="reason-"]',
  reasonNote: '#assist-reason-note',
  'person.birthYear': '#assist-year',
  'person.phone': '#assist-phone',
  'person.name': '#assist-name',
  consent: '[data-testid^="consent-"]',
};

export function AssistScreen({ householdId, memberId, againId, cardId }: AssistScreenProps) {
  const { t } = useTranslation();
  const ward = useWard();
  const formRef = useRef<HTMLFormElement>(null);
  const yearRef = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const [campaign, setCampaign] = useState('');
  const [place, setPlace] = useState('');
  const [recent, setRecent] = useState<string[]>([]);
  const [entry, setEntry] = useState<AssistEntry>(() => emptyEntry(cardId));
  const [ready, setReady] = useState(false);
  const [restored, setRestored] = useState(false);
  const [loadedHousehold, setHousehold] = useState<HouseholdRecord | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState<{ n: number; record: AssistanceRecord } | null>(null);
  const [lastSaved, setLastSaved] = useState<AssistanceRecord | null>(null);
  const [focusProblem, setFocusProblem] = useState(0);
  const [offer, setOffer] = useState<VneidOffer | null>(null);
  const [offerDone, setOfferDone] = useState(false);
  const [showMore, setShowMore] = useState(false);
  const [saving, setSaving] = useState(false);
  // Storage writes of the entry, in order: a save waits for them, so no older entry lands after it.
  const writes = useRef<Promise<void>>(Promise.resolve());
  const lang = currentLanguage();
  const card = cardId ? TEACHING_CARDS.find((c) => c.id === cardId) : undefined;
  const notice = ward ? currentAssistanceNotice(ward) : undefined;

  useEffect(() => {
    let alive = true;
    void (async () => {
      const [memory, last] = await Promise.all([getCampaignMemory(appDb), getLastSavedAssistance(appDb)]);
      if (!alive) return;
      setCampaign(memory.campaign);
      setPlace(memory.place);
      setRecent(memory.recent);
      setLastSaved(last?.record ?? null);
      let start = emptyEntry(card?.id);
      if (againId) {
        const row = await getAssistance(appDb, againId);
        if (row) start = entryFromRecord(row.record, 'again');
      } else if (householdId) {
        const link = await getHousehold(appDb, householdId);
        if (link) start = { ...start, ...fromMember(link.record, memberId, start, false), link: { householdId, ...(memberId ? { memberId } : {}) } };
      } else if (!cardId) {
        // The plain screen reopens what was left unsaved (a reload, a killed tab).
        const kept = await loadEntry(appDb);
        if (kept) {
          start = kept;
          setRestored(true);
        }
      }
      if (!alive) return;
      setEntry(start);
      setReady(true);
    })();
    return () => {
      alive = false;
    };
    // The route decides the start; the screen is keyed by the route in App.tsx.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Keep the unsaved entry after every change.
  useEffect(() => {
    if (!ready) return;
    const snapshot = entry;
    writes.current = writes.current.then(() => keepEntry(appDb, snapshot)).catch(() => undefined);
  }, [entry, ready]);

  // The linked household, for its address, its tổ dân phố and the VNeID offer.
  const linkedId = entry.link?.householdId;
  const household = linkedId && loadedHousehold?.id === linkedId ? loadedHousehold : null;
  useEffect(() => {
    let alive = true;
    if (linkedId) void getHousehold(appDb, linkedId).then((row) => alive && setHousehold(row?.record ?? null));
    return () => {
      alive = false;
    };
  }, [linkedId]);

  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(null), SAVED_MS);
    return () => clearTimeout(timer);
  }, [saved]);

  // The status line sits just below the sticky header, wherever the page is scrolled.
  useLayoutEffect(() => {
    const bar = document.querySelector('.topbar');
    if (statusRef.current) statusRef.current.style.top = `${bar ? Math.ceil(bar.getBoundingClientRect().height) : 0}px`;
  });

  // After a refused save: the first problem's control takes the focus (its message is announced).
  useEffect(() => {
    if (focusProblem === 0) return;
    const first = errors[0];
    // A name or phone refused for want of consent: the consent question takes the focus.
    const path = first?.code === 'consent_required_for_contact' ? 'consent' : first?.path;
    const selector = path ? FOCUS_OF[path] ?? FOCUS_OF[path.split('.')[0]!] : undefined;
    const el = (selector ? formRef.current?.querySelector<HTMLElement>(selector) : null) ?? formRef.current?.querySelector<HTMLElement>('[data-testid="assist-errors"]');
    el?.scrollIntoView({ block: 'center' });
    el?.focus({ preventScroll: true });
  }, [focusProblem, errors]);

  const change = (fn: (e: AssistEntry) => AssistEntry) => {
    setEntry(fn);
    setRestored(false);
  };

  const onDecade = (decade: number) => {
    change((e) => pickDecade(e, decade));
    yearRef.current?.focus();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving || !ward) return;
    setSaving(true);
    try {
      await writes.current;
      const now = new Date();
      const result = await submitEntry(appDb, entry, {
        wardCode: ward.code,
        now,
        campaign,
        place,
        ...(household?.data.groupCode ? { groupCode: household.data.groupCode } : {}),
        mobilePrefixes: ward.settings.mobilePrefixes,
        ...(notice ? { noticeVersion: notice.version } : {}),
      });
      if (!result.ok) {
        // An old "Đã lưu" must not stand beside an entry that was not saved.
        setSaved(null);
        setErrors(result.errors);
        if (result.errors.some((e) => e.path.startsWith('person.phone') || e.path.startsWith('person.name'))) setShowMore(true);
        setFocusProblem((n) => n + 1);
        return;
      }
      setErrors([]);
      void requestSync(); // sends it now when online; a no-op offline or before enrolment
      setSaved((s) => ({ n: (s?.n ?? 0) + 1, record: result.record }));
      setLastSaved(result.record);
      globalThis.navigator?.vibrate?.(80);
      const c = campaign.trim();
      if (c) setRecent((r) => [c, ...r.filter((x) => x !== c)].slice(0, 5));
      // Offer the VNeID update when the help changes the member's answer (a new household rev).
      const memberIdLinked = entry.link?.memberId;
      if (household && memberIdLinked) {
        const level = vneidUpdateSuggestion(result.record, household);
        const member = household.data.members.find((m) => m.id === memberIdLinked);
        if (level && member) {
          setOffer({ household, memberId: member.id, level, memberName: member.name ?? t('assist.memberNoName', { n: 1 }) });
          setOfferDone(false);
        }
      }
      setEntry(result.next);
      setShowMore(false);
    } finally {
      setSaving(false);
    }
  }

  async function acceptOffer() {
    if (!offer) return;
    const fresh = await getHousehold(appDb, offer.household.id);
    const hh = fresh?.record ?? offer.household;
    const result = await saveHousehold(
      appDb,
      { ...hh.data, members: hh.data.members.map((m) => (m.id === offer.memberId ? { ...m, vneid: offer.level } : m)) },
      { existingId: hh.id },
    );
    if (result.ok) {
      void requestSync();
      setOffer(null);
      setOfferDone(true);
    }
  }

  const fieldLabel = (path: string): string => {
    if (path.startsWith('kinds')) return t('assist.fieldKinds');
    if (path === 'outcome') return t('assist.fieldOutcome');
    if (path.startsWith('reason')) return t('assist.fieldReason');
    if (path.startsWith('person.birthYear')) return t('assist.fieldBirthYear');
    if (path.startsWith('person.phone')) return t('assist.phone');
    if (path.startsWith('person.name')) return t('assist.name');
    if (path.startsWith('campaign')) return t('assist.campaign');
    if (path.startsWith('place')) return t('assist.place');
    return path;
  };
  const message = (e: FieldError) => t([`assist.problem.${e.code}`, `validation.${e.code}`]);
  const problemAt = (...paths: string[]) => errors.find((e) => paths.includes(e.path));
  const inlineError = (id: string, ...paths: string[]) => {
    const e = problemAt(...paths);
    return e ? (
      <p className="error" id={id} data-testid={`${id}`}>
        {message(e)}
      </p>
    ) : null;
  };
  const describedBy = (id: string, ...paths: string[]) => (problemAt(...paths) ? id : undefined);

  const savedText = (n: number, r: AssistanceRecord) =>
    t(r.data.practice ? 'assist.savedWhatPractice' : 'assist.savedWhat', {
      n,
      kinds: r.data.kinds.map((k) => t(`assist.kind.${k}`)).join(', '),
      outcome: t(`assist.outcome.${r.data.outcome}`),
      year: r.data.person.birthYear,
    });
  const editing = entry.existingId && entry.mode === 'edit';
  const blank = !entry.existingId && entry.kinds.length === (card ? 1 : 0) && !entry.outcome && !entry.birthYear;

  return (
    <form ref={formRef} className="assist" onSubmit={(e) => void submit(e)} data-testid="assist-screen" data-ready={ready} noValidate>
      <h1>{t('assist.title')}</h1>
      <div ref={statusRef} className="assist__status" role="status" data-testid="assist-status">
        {saved ? (
          <p className="assist__saved" data-testid="assist-saved" data-count={saved.n} data-id={saved.record.id}>
            {savedText(saved.n, saved.record)}
          </p>
        ) : null}
      </div>
      {offer ? (
        <div className="notice-box" role="alertdialog" aria-labelledby="vneid-offer" data-testid="vneid-offer">
          <p id="vneid-offer">{t('assist.vneidOffer', { name: offer.memberName, level: t(`vneid.${offer.level}`) })}</p>
          <div className="assist__row">
            <button type="button" className="btn btn--primary" onClick={() => void acceptOffer()} data-testid="vneid-accept">
              {t('assist.vneidAccept')}
            </button>
            <button type="button" className="btn" onClick={() => setOffer(null)} data-testid="vneid-decline">
              {t('assist.vneidDecline')}
            </button>
          </div>
        </div>
      ) : null}
      {offerDone ? (
        <p className="ok" role="status" data-testid="vneid-updated">
          {t('assist.vneidUpdated')}
        </p>
      ) : null}
      {restored ? <p className="hint" data-testid="assist-restored">{t('assist.restored')}</p> : null}
      {entry.existingId && entry.mode === 'again' ? (
        <p className="hint" data-testid="assist-again">
          {t('assist.again', { who: entry.name || entry.birthYear })}
        </p>
      ) : null}
      {editing ? (
        <div className="notice-box" data-testid="assist-editing">
          <p>{t('assist.editing', { year: entry.birthYear })}</p>
          <button type="button" className="btn btn--small" onClick={() => change(() => emptyEntry(card?.id))} data-testid="assist-cancel-edit">
            {t('assist.cancelEdit')}
          </button>
        </div>
      ) : lastSaved && blank ? (
        <button type="button" className="btn btn--small" onClick={() => change(() => entryFromRecord(lastSaved, 'edit'))} data-testid="assist-edit-last">
          {t('assist.editLast')}
        </button>
      ) : null}
      {card ? <p className="hint" data-testid="assist-card">{t('assist.card', { title: card.title[lang] })}</p> : null}

      <div className="field">
        <label htmlFor="assist-campaign">{t('assist.campaign')}</label>
        <input id="assist-campaign" type="text" value={campaign} onChange={(e) => setCampaign(e.target.value)} list="assist-recent" data-testid="assist-campaign" maxLength={120} autoComplete="off" />
        <datalist id="assist-recent">
          {recent.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        {recent.filter((c) => c !== campaign).length > 0 ? (
          <div className="assist__row" role="group" aria-label={t('assist.recentCampaigns')}>
            {recent
              .filter((c) => c !== campaign)
              .map((c) => (
                <button type="button" key={c} className="btn btn--small" onClick={() => setCampaign(c)} data-testid="assist-recent-campaign">
                  {c}
                </button>
              ))}
          </div>
        ) : null}
        <p className="hint">{t('assist.campaignHint')}</p>
      </div>
      <div className="field">
        <label htmlFor="assist-place">{t('assist.place')}</label>
        <input id="assist-place" type="text" value={place} onChange={(e) => setPlace(e.target.value)} data-testid="assist-place" maxLength={120} autoComplete="off" />
      </div>

      <fieldset aria-describedby={describedBy('assist-error-kinds', 'kinds')}>
        <legend>{t('assist.kinds')}</legend>
        {inlineError('assist-error-kinds', 'kinds')}
        <div className="toggles">
          {ASSISTANCE_KINDS.filter((k) => k !== 'teaching_card' || card || entry.kinds.includes(k)).map((kind) => (
            <button
              type="button"
              key={kind}
              className="toggle"
              aria-pressed={entry.kinds.includes(kind)}
              aria-describedby={describedBy('assist-error-kinds', 'kinds')}
              onClick={() => change((e) => toggleKind(e, kind))}
              data-testid={`kind-${kind}`}
            >
              {t(`assist.kind.${kind}`)}
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('assist.outcomeLegend')}</legend>
        {inlineError('assist-error-outcome', 'outcome')}
        <div className="toggles">
          {ASSISTANCE_OUTCOMES.map((outcome) => (
            <button
              type="button"
              key={outcome}
              className={`toggle${outcome === 'done' ? ' toggle--done' : ''}`}
              aria-pressed={entry.outcome === outcome}
              aria-describedby={describedBy('assist-error-outcome', 'outcome')}
              onClick={() => change((e) => chooseOutcome(e, outcome))}
              data-testid={`outcome-${outcome}`}
            >
              {t(`assist.outcome.${outcome}`)}
            </button>
          ))}
        </div>
      </fieldset>

      {needsReason(entry) ? (
        <fieldset>
          <legend>{t('assist.reasonLegend')}</legend>
          {inlineError('assist-error-reason', 'reason')}
          <div className="toggles">
            {ASSISTANCE_REASONS.map((reason) => (
              <button
                type="button"
                key={reason}
                className="toggle toggle--small"
                aria-pressed={entry.reason === reason}
                aria-describedby={describedBy('assist-error-reason', 'reason')}
                onClick={() => change((e) => ({ ...e, reason }))}
                data-testid={`reason-${reason}`}
              >
                {t(`assist.reason.${reason}`)}
              </button>
            ))}
          </div>
          {entry.reason === 'other' ? (
            <div className="field">
              <label htmlFor="assist-reason-note">{t('assist.reasonNote')}</label>
              <input
                id="assist-reason-note"
                type="text"
                value={entry.reasonNote}
                onChange={(e) => change((x) => ({ ...x, reasonNote: e.target.value }))}
                maxLength={200}
                aria-describedby={describedBy('assist-error-reasonNote', 'reasonNote')}
                data-testid="assist-reason-note"
              />
              {inlineError('assist-error-reasonNote', 'reasonNote')}
            </div>
          ) : null}
        </fieldset>
      ) : null}

      <div className={`field${problemAt('person.birthYear') ? ' field--error' : ''}`}>
        <label htmlFor="assist-year">{t('assist.birthYear')}</label>
        <input
          id="assist-year"
          ref={yearRef}
          className="assist__year"
          type="text"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          maxLength={4}
          value={entry.birthYear}
          aria-invalid={problemAt('person.birthYear') ? true : undefined}
          aria-describedby={['assist-year-hint', describedBy('assist-error-year', 'person.birthYear')].filter(Boolean).join(' ')}
          onChange={(e) => change((x) => typeYear(x, e.target.value))}
          data-testid="assist-year"
        />
        {inlineError('assist-error-year', 'person.birthYear')}
        <div className="assist__row assist__decades">
          {DECADES.map((d) => (
            <button type="button" key={d} className="btn btn--small" onClick={() => onDecade(d)} data-testid={`decade-${d}`}>
              {t('assist.decade', { decade: d })}
            </button>
          ))}
        </div>
        <p className="hint" id="assist-year-hint">
          {t('assist.birthYearHint')}
        </p>
      </div>

      {entry.link && household ? (
        <p data-testid="assist-linked">
          {t('assist.linked', { address: linkLabel(household, entry.link.memberId, t) })}{' '}
          <button type="button" className="link-button" onClick={() => change((e) => ({ ...e, link: null }))}>
            {t('assist.unlink')}
          </button>
        </p>
      ) : null}

      {showMore ? (
        <>
          {notice ? (
            <fieldset aria-describedby="assist-consent-notice">
              <legend>{t('assist.consentQuestion')}</legend>
              <details className="assist__notice">
                <summary>{t('assist.consentRead', { version: notice.version })}</summary>
                <p id="assist-consent-notice" data-testid="assist-consent-notice" lang={lang}>
                  {notice.text[lang]}
                </p>
              </details>
              <div className="toggles">
                {(['yes', 'no'] as const).map((answer) => (
                  <button
                    type="button"
                    key={answer}
                    className="toggle"
                    aria-pressed={entry.consent === answer}
                    onClick={() =>
                      change((e) => {
                        const next = chooseConsent(e, answer, new Date());
                        // A "yes" for a linked member brings the name and phone the survey holds.
                        return answer === 'yes' && household && e.link?.householdId === household.id ? { ...next, ...fromMember(household, e.link.memberId, next, true) } : next;
                      })
                    }
                    data-testid={`consent-${answer}`}
                  >
                    {t(`assist.consent.${answer}`)}
                  </button>
                ))}
              </div>
              {entry.consent === 'no' ? <p className="hint" data-testid="assist-consent-no">{t('assist.consentNoHint')}</p> : null}
            </fieldset>
          ) : (
            <p className="hint" data-testid="assist-no-notice">
              {t('assist.noNotice')}
            </p>
          )}
          {problemAt('person.name', 'person.phone') && !contactAllowed(entry, notice?.version) ? inlineError('assist-error-consent', 'person.name', 'person.phone') : null}
          {contactAllowed(entry, notice?.version) ? (
            <>
              <div className="field">
                <label htmlFor="assist-name">
                  {t('assist.name')} <span className="optional">{t('assist.optional')}</span>
                </label>
                <input id="assist-name" type="text" value={entry.name} onChange={(e) => change((x) => ({ ...x, name: e.target.value }))} maxLength={80} autoComplete="off" data-testid="assist-name" />
              </div>
              <div className={`field${problemAt('person.phone') ? ' field--error' : ''}`}>
                <label htmlFor="assist-phone">
                  {t('assist.phone')} <span className="optional">{t('assist.optional')}</span>
                </label>
                <input
                  id="assist-phone"
                  type="tel"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={16}
                  value={entry.phone}
                  aria-invalid={problemAt('person.phone') ? true : undefined}
                  aria-describedby={describedBy('assist-error-phone', 'person.phone')}
                  onChange={(e) => change((x) => ({ ...x, phone: e.target.value }))}
                  data-testid="assist-phone"
                />
                {inlineError('assist-error-phone', 'person.phone')}
              </div>
            </>
          ) : null}
          {!entry.link ? (
            <HouseholdPicker
              onPick={(link) => {
                setHousehold(link.household);
                change((e) => ({ ...e, ...fromMember(link.household, link.memberId, e, contactAllowed(e, notice?.version)), link: { householdId: link.household.id, ...(link.memberId ? { memberId: link.memberId } : {}) } }));
              }}
            />
          ) : null}
        </>
      ) : (
        <button type="button" className="link-button" onClick={() => setShowMore(true)} data-testid="assist-more">
          {t('assist.more')}
        </button>
      )}
      <p className="hint">{t('assist.noSecrets')}</p>

      {errors.length > 0 ? (
        <div className="review-errors" role="alert" tabIndex={-1} data-testid="assist-errors">
          <p>
            <strong>{t('assist.notSaved')}</strong>
          </p>
          <ul>
            {errors.map((e, i) => (
              <li key={`${e.path}-${i}`}>
                <strong>{fieldLabel(e.path)}:</strong> {message(e)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="assist__save">
        <button type="submit" className="btn btn--primary btn--huge" disabled={saving || !ward || !ready} data-testid="assist-save">
          {t('assist.save')}
        </button>
      </div>
    </form>
  );
}

function linkLabel(household: HouseholdRecord, memberId: string | undefined, t: TFunction): string {
  const a = household.data.address;
  const address = [a.houseNumber, a.lane, a.street].filter(Boolean).join(', ');
  const member = memberId ? household.data.members.find((m) => m.id === memberId) : undefined;
  return member ? `${address} — ${t('assist.linkedMember', { name: member.name ?? '', year: member.birthYear })}` : address;
}

export default AssistScreen;
