// Fast entry of one help at a campaign table (#/assist). One screen: the remembered campaign and
// place, big toggles for the kinds and the outcome (aria-pressed), reasons when not done, the year
// of birth by number pad (two digits or a decade shortcut + one digit), optional name / phone /
// household link. Saving writes the record and its outbox entry in one transaction
// (storage/assistance-repo.ts), clears the person for the next one and says "Đã lưu".
// "Installed VNeID, done": kind, outcome, year field, two digits, save = 6 taps.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { parseBirthYear } from '../../../shared/domain/age.js';
import { checkPhone } from '../../../shared/domain/phone.js';
import { vneidUpdateSuggestion } from '../../../shared/domain/follow-up.js';
import { ASSISTANCE_KINDS, ASSISTANCE_OUTCOMES, ASSISTANCE_REASONS, type AssistanceKind, type AssistanceOutcome, type AssistanceReason, type AssistanceRecord } from '../../../shared/schema/assistance.js';
import type { HouseholdRecord } from '../../../shared/schema/household.js';
import type { FieldError } from '../../../shared/domain/validation.js';
import { TEACHING_CARDS } from '../../../../seeds/teaching/index.js';
import { appDb } from '../../storage/app-db.js';
import { getAssistance, getCampaignMemory, saveAssistance, type AssistanceDraft } from '../../storage/assistance-repo.js';
import { getHousehold, saveHousehold } from '../../storage/records-repo.js';
import { requestSync } from '../../sync/sync-engine.js';
import { currentLanguage } from '../../i18n/index.js';
import { useWard } from '../../ward-context.js';
import { HouseholdPicker, type PickedLink } from './HouseholdPicker.js';
import './assistance.css';

export interface AssistScreenProps {
  householdId?: string;
  memberId?: string;
  againId?: string;
  cardId?: string;
}

interface PersonState {
  kinds: AssistanceKind[];
  outcome: AssistanceOutcome | '';
  reason: AssistanceReason | '';
  reasonNote: string;
  birthYear: string;
  name: string;
  phone: string;
  link: PickedLink | null;
}

const emptyPerson = (): PersonState => ({ kinds: [], outcome: '', reason: '', reasonNote: '', birthYear: '', name: '', phone: '', link: null });

const DECADES = [194, 195, 196, 197, 198, 199, 200];

interface VneidOffer {
  household: HouseholdRecord;
  memberName: string;
  level: 'level1' | 'level2';
  memberId: string;
}

export function AssistScreen({ householdId, memberId, againId, cardId }: AssistScreenProps) {
  const { t } = useTranslation();
  const ward = useWard();
  const yearRef = useRef<HTMLInputElement>(null);
  const [campaign, setCampaign] = useState('');
  const [place, setPlace] = useState('');
  const [recent, setRecent] = useState<string[]>([]);
  const [person, setPerson] = useState<PersonState>(emptyPerson);
  const [again, setAgain] = useState<AssistanceRecord | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState<{ n: number; practice: boolean } | null>(null);
  const [offer, setOffer] = useState<VneidOffer | null>(null);
  const [offerDone, setOfferDone] = useState(false);
  const [showMore, setShowMore] = useState(false);
  const [saving, setSaving] = useState(false);
  const lang = currentLanguage();
  const card = cardId ? TEACHING_CARDS.find((c) => c.id === cardId) : undefined;

  const freshPerson = (): PersonState => ({ ...emptyPerson(), ...(card ? { kinds: ['teaching_card' as const] } : {}) });

  useEffect(() => {
    let alive = true;
    void (async () => {
      const memory = await getCampaignMemory(appDb);
      if (!alive) return;
      setCampaign(memory.campaign);
      setPlace(memory.place);
      setRecent(memory.recent);
      let next = freshPerson();
      if (againId) {
        const row = await getAssistance(appDb, againId);
        if (row) {
          const d = row.record.data;
          setAgain(row.record);
          next = {
            ...next,
            kinds: [...d.kinds],
            birthYear: String(d.person.birthYear),
            name: d.person.name ?? '',
            phone: d.person.phone ?? '',
            link: d.household ? await linkFor(d.household.householdId, d.household.memberId) : null,
          };
        }
      } else if (householdId) {
        const link = await linkFor(householdId, memberId);
        if (link) next = { ...next, link, ...fromMember(link) };
      }
      if (alive) setPerson(next);
    })();
    return () => {
      alive = false;
    };
    // The route decides the start; the screen is keyed by the route in App.tsx.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(null), 4000);
    return () => clearTimeout(timer);
  }, [saved]);

  const set = (patch: Partial<PersonState>) => setPerson((p) => ({ ...p, ...patch }));
  const toggleKind = (kind: AssistanceKind) =>
    setPerson((p) => ({ ...p, kinds: p.kinds.includes(kind) ? p.kinds.filter((k) => k !== kind) : [...p.kinds, kind] }));
  const chooseOutcome = (outcome: AssistanceOutcome) =>
    setPerson((p) => ({ ...p, outcome, ...(outcome === 'done' ? { reason: '' as const, reasonNote: '' } : {}) }));

  const helpedYear = new Date().getFullYear();
  const pickDecade = (decade: number) => {
    set({ birthYear: String(decade) });
    yearRef.current?.focus();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving || !ward) return;
    const problems: FieldError[] = [];
    if (person.kinds.length === 0) problems.push({ path: 'kinds', code: 'kinds_required' });
    if (!person.outcome) problems.push({ path: 'outcome', code: 'required' });
    const year = parseBirthYear(person.birthYear, helpedYear);
    if (year === null) problems.push({ path: 'person.birthYear', code: person.birthYear.trim() ? 'birth_year_invalid' : 'required' });
    const phoneCheck = person.phone.trim() ? checkPhone(person.phone) : undefined;
    const phone = phoneCheck?.ok ? phoneCheck.phone : undefined;
    if (phoneCheck && !phoneCheck.ok) problems.push({ path: 'person.phone', code: 'phone_format' });
    if (problems.length > 0 || year === null || !person.outcome) {
      setErrors(problems);
      return;
    }
    const now = new Date();
    const draft: AssistanceDraft = {
      wardCode: ward.code,
      helpedAt: now.toISOString(),
      person: { birthYear: year, ...(person.name.trim() ? { name: person.name.trim() } : {}), ...(phone ? { phone } : {}) },
      ...(person.link ? { household: { householdId: person.link.household.id, ...(person.link.memberId ? { memberId: person.link.memberId } : {}) }, groupCode: person.link.household.data.groupCode } : {}),
      kinds: person.kinds,
      ...(person.kinds.includes('teaching_card') && card ? { teachingCardId: card.id } : {}),
      outcome: person.outcome,
      ...(person.outcome !== 'done' && person.reason ? { reason: person.reason } : {}),
      ...(person.outcome !== 'done' && person.reason === 'other' && person.reasonNote.trim() ? { reasonNote: person.reasonNote.trim() } : {}),
      ...(campaign.trim() ? { campaign: campaign.trim() } : {}),
      ...(place.trim() ? { place: place.trim() } : {}),
    };
    setSaving(true);
    try {
      const result = await saveAssistance(appDb, draft, again ? { existingId: again.id, now } : { now });
      if (!result.ok) {
        setErrors(result.errors);
        return;
      }
      setErrors([]);
      void requestSync(); // sends it now when online; a no-op offline or before enrolment
      setSaved((s) => ({ n: (s?.n ?? 0) + 1, practice: result.record.data.practice === true }));
      if (campaign.trim()) setRecent((r) => [campaign.trim(), ...r.filter((c) => c !== campaign.trim())].slice(0, 5));
      // Offer the VNeID update when the help changes the member's answer (a new household rev).
      const link = person.link;
      if (link?.memberId) {
        const level = vneidUpdateSuggestion(result.record, link.household);
        const member = link.household.data.members.find((m) => m.id === link.memberId);
        if (level && member) {
          setOffer({ household: link.household, memberId: member.id, level, memberName: member.name ?? t('assist.memberNoName', { n: 1 }) });
          setOfferDone(false);
        }
      }
      setAgain(null);
      setPerson(freshPerson());
      setShowMore(false);
    } finally {
      setSaving(false);
    }
  }

  async function acceptOffer() {
    if (!offer) return;
    const fresh = await getHousehold(appDb, offer.household.id);
    const household = fresh?.record ?? offer.household;
    const result = await saveHousehold(
      appDb,
      { ...household.data, members: household.data.members.map((m) => (m.id === offer.memberId ? { ...m, vneid: offer.level } : m)) },
      { existingId: household.id },
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

  const needsReason = person.outcome === 'not_done' || person.outcome === 'needs_follow_up';

  return (
    <form className="assist" onSubmit={(e) => void submit(e)} data-testid="assist-screen" noValidate>
      <h1>{t('assist.title')}</h1>
      {saved ? (
        <p className="assist__saved" role="status" data-testid="assist-saved" data-count={saved.n}>
          {saved.practice ? t('assist.savedPractice') : t('assist.saved')}
        </p>
      ) : null}
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
      {again ? <p className="hint" data-testid="assist-again">{t('assist.again', { who: again.data.person.name ?? String(again.data.person.birthYear) })}</p> : null}
      {card ? <p className="hint" data-testid="assist-card">{t('assist.card', { title: card.title[lang] })}</p> : null}

      <div className="field">
        <label htmlFor="assist-campaign">{t('assist.campaign')}</label>
        <input id="assist-campaign" value={campaign} onChange={(e) => setCampaign(e.target.value)} list="assist-recent" data-testid="assist-campaign" maxLength={120} />
        <datalist id="assist-recent">
          {recent.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        {recent.filter((c) => c !== campaign).length > 0 ? (
          <div className="assist__row" aria-label={t('assist.recentCampaigns')}>
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
        <input id="assist-place" value={place} onChange={(e) => setPlace(e.target.value)} data-testid="assist-place" maxLength={120} />
      </div>

      <fieldset>
        <legend>{t('assist.kinds')}</legend>
        <div className="toggles">
          {ASSISTANCE_KINDS.filter((k) => k !== 'teaching_card' || card).map((kind) => (
            <button type="button" key={kind} className="toggle" aria-pressed={person.kinds.includes(kind)} onClick={() => toggleKind(kind)} data-testid={`kind-${kind}`}>
              {t(`assist.kind.${kind}`)}
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('assist.outcomeLegend')}</legend>
        <div className="toggles">
          {ASSISTANCE_OUTCOMES.map((outcome) => (
            <button
              type="button"
              key={outcome}
              className={`toggle${outcome === 'done' ? ' toggle--done' : ''}`}
              aria-pressed={person.outcome === outcome}
              onClick={() => chooseOutcome(outcome)}
              data-testid={`outcome-${outcome}`}
            >
              {t(`assist.outcome.${outcome}`)}
            </button>
          ))}
        </div>
      </fieldset>

      {needsReason ? (
        <fieldset>
          <legend>{t('assist.reasonLegend')}</legend>
          <div className="toggles">
            {ASSISTANCE_REASONS.map((reason) => (
              <button type="button" key={reason} className="toggle toggle--small" aria-pressed={person.reason === reason} onClick={() => set({ reason })} data-testid={`reason-${reason}`}>
                {t(`assist.reason.${reason}`)}
              </button>
            ))}
          </div>
          {person.reason === 'other' ? (
            <div className="field">
              <label htmlFor="assist-reason-note">{t('assist.reasonNote')}</label>
              <input id="assist-reason-note" value={person.reasonNote} onChange={(e) => set({ reasonNote: e.target.value })} maxLength={200} data-testid="assist-reason-note" />
            </div>
          ) : null}
        </fieldset>
      ) : null}

      <div className="field">
        <label htmlFor="assist-year">{t('assist.birthYear')}</label>
        <input
          id="assist-year"
          ref={yearRef}
          className="assist__year"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          maxLength={4}
          value={person.birthYear}
          onChange={(e) => set({ birthYear: e.target.value.replace(/\D/g, '').slice(0, 4) })}
          data-testid="assist-year"
        />
        <div className="assist__row">
          {DECADES.map((d) => (
            <button type="button" key={d} className="btn btn--small" onClick={() => pickDecade(d)} data-testid={`decade-${d}`}>
              {t('assist.decade', { decade: d })}
            </button>
          ))}
        </div>
        <p className="hint">{t('assist.birthYearHint')}</p>
      </div>

      {person.link ? (
        <p data-testid="assist-linked">
          {t('assist.linked', { address: linkLabel(person.link, t) })}{' '}
          <button type="button" className="link-button" onClick={() => set({ link: null })}>
            {t('assist.unlink')}
          </button>
        </p>
      ) : null}

      {showMore ? (
        <>
          <div className="field">
            <label htmlFor="assist-name">
              {t('assist.name')} <span className="optional">{t('assist.optional')}</span>
            </label>
            <input id="assist-name" value={person.name} onChange={(e) => set({ name: e.target.value })} maxLength={80} data-testid="assist-name" />
          </div>
          <div className="field">
            <label htmlFor="assist-phone">
              {t('assist.phone')} <span className="optional">{t('assist.optional')}</span>
            </label>
            <input id="assist-phone" type="tel" inputMode="tel" value={person.phone} onChange={(e) => set({ phone: e.target.value })} data-testid="assist-phone" />
          </div>
          {!person.link ? <HouseholdPicker onPick={(link) => setPerson((p) => ({ ...p, link, ...fromMember(link, p) }))} /> : null}
        </>
      ) : (
        <button type="button" className="link-button" onClick={() => setShowMore(true)} data-testid="assist-more">
          {t('assist.more')}
        </button>
      )}
      <p className="hint">{t('assist.noSecrets')}</p>

      {errors.length > 0 ? (
        <div className="review-errors" role="alert" data-testid="assist-errors">
          <p>{t('assist.errors')}</p>
          <ul>
            {errors.map((e, i) => (
              <li key={`${e.path}-${i}`}>
                <strong>{fieldLabel(e.path)}:</strong> {t(`validation.${e.code}`)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <button type="submit" className="btn btn--primary btn--huge" disabled={saving || !ward} data-testid="assist-save">
        {t('assist.save')}
      </button>
    </form>
  );
}

async function linkFor(householdId: string, memberId?: string): Promise<PickedLink | null> {
  const row = await getHousehold(appDb, householdId);
  if (!row) return null;
  const member = memberId ? row.record.data.members.find((m) => m.id === memberId) : undefined;
  return { household: row.record, ...(member ? { memberId: member.id } : {}) };
}

/** Name and year of the linked member fill empty fields (never overwrite what was typed). */
function fromMember(link: PickedLink, current?: PersonState): Partial<PersonState> {
  const member = link.memberId ? link.household.data.members.find((m) => m.id === link.memberId) : undefined;
  if (!member) return {};
  return {
    ...(!current?.birthYear ? { birthYear: String(member.birthYear) } : {}),
    ...(!current?.name && member.name ? { name: member.name } : {}),
    ...(!current?.phone && member.phone ? { phone: member.phone } : {}),
  };
}

function linkLabel(link: PickedLink, t: TFunction): string {
  const a = link.household.data.address;
  const address = [a.houseNumber, a.lane, a.street].filter(Boolean).join(', ');
  const member = link.memberId ? link.household.data.members.find((m) => m.id === link.memberId) : undefined;
  return member ? `${address} — ${t('assist.linkedMember', { name: member.name ?? '', year: member.birthYear })}` : address;
}

export default AssistScreen;
