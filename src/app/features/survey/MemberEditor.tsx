// One member's card: every question that applies to them, in one scroll, no sub-screens.
// Which questions show is the relevance table (shared/domain/relevance.ts) with the ward's ages:
// before the year of birth is read only the identity questions show; a young child is then
// asked the e-health record only. With no smartphone and no internet in 3 months, the skills
// and online-use questions come folded with their likely answers: one tap confirms them, or
// the group opens (filled with the proposal) to change any. Every yes/no has "Không rõ".
// Only the open member's card is rendered in full (the others are summary rows), so a
// household of 20–30 people stays fast.
import { useDeferredValue, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DIGITAL_SERVICE_KEYS, SKILL_KEYS, type SkillLevel } from '../../../shared/schema/household-constants.js';
import { ageOnDate } from '../../../shared/domain/age.js';
import { OFFLINE_YES_NO, type MemberQuestion, type RelevanceAges } from '../../../shared/domain/relevance.js';
import { ChoiceGroup } from '../../ui/ChoiceGroup.js';
import { TextField } from '../../ui/TextField.js';
import {
  applyOfflineProposal,
  fieldId,
  memberBirthYear,
  offlineGroupState,
  shownQuestions,
  type AdultYesNoKey,
  type MemberForm,
} from './form-model.js';
import type { Choices } from './choices.js';
import { MemberCards } from '../assistance/MemberCards.js';
import { RelationField } from './RelationField.js';

export interface MemberEditorProps {
  member: MemberForm;
  index: number;
  surveyedAt: string;
  ages: RelevanceAges;
  choices: Choices;
  onChange: (id: string, fn: (m: MemberForm) => MemberForm) => void;
  errorFor: (path: string) => string | undefined;
  warningFor: (path: string) => string | undefined;
  touch: (path: string) => void;
  /**
   * For a member just added: the identity fields (what fills the screen) render at once and the
   * questions below them a moment later, in a deferred render, so "add member" answers fast.
   */
  deferBelowFold?: boolean;
}

type YesNo = 'yes' | 'no' | 'unknown';

export function MemberEditor({ member, index, surveyedAt, ages, choices, onChange, errorFor, warningFor, touch, deferBelowFold = false }: MemberEditorProps) {
  const { t } = useTranslation();
  const belowFold = useDeferredValue(true, !deferBelowFold);
  // The folded group opened by the volunteer stays open while this card is open.
  const [groupOpen, setGroupOpen] = useState(false);
  const p = (key: string) => `members.${index}.${key}`;
  const set = (fn: (m: MemberForm) => MemberForm) => onChange(member.id, fn);
  const year = memberBirthYear(member, surveyedAt);
  const yearOk = year !== undefined && !Number.isNaN(year);
  const shown = new Set<MemberQuestion>(shownQuestions(member, surveyedAt, ages));
  const offline = offlineGroupState(member, surveyedAt, ages);
  const folded = (offline === 'proposed' || offline === 'confirmed') && !groupOpen;
  const relationError = errorFor(p('relation'));

  const yesNo = (path: string, legend: string, value: YesNo | '', apply: (m: MemberForm, v: YesNo) => MemberForm) => (
    <ChoiceGroup
      id={fieldId(path)}
      legend={legend}
      choices={choices.yesNo}
      value={value}
      compact
      onChange={(v) => {
        set((m) => apply(m, v));
        touch(path);
      }}
      error={errorFor(path)}
    />
  );
  const adultYesNo = (k: AdultYesNoKey) =>
    shown.has(k) ? <div key={k}>{yesNo(p(k), t(`members.${k}`), member.adult[k], (m, v) => ({ ...m, adult: { ...m.adult, [k]: v } }))}</div> : null;

  // "All five: …" and "All four: …": one tap answers a group, each answer stays changeable.
  const allSkills = (level: SkillLevel) => {
    set((m) => ({ ...m, skills: Object.fromEntries(SKILL_KEYS.map((k) => [k, level])) as MemberForm['skills'] }));
    touch(p('skills'));
  };
  const allServices = (v: YesNo) => {
    set((m) => ({ ...m, digitalServices12m: Object.fromEntries(DIGITAL_SERVICE_KEYS.map((k) => [k, v])) as MemberForm['digitalServices12m'] }));
    touch(p('digitalServices12m'));
  };

  const offlineGroup = () => {
    const groupError = errorFor(p('skills')) ?? OFFLINE_YES_NO.map((q) => errorFor(p(q))).find(Boolean) ?? errorFor(p('digitalServices12m'));
    return (
      <section
        id={fieldId(p('skills'))}
        tabIndex={-1}
        className={`likely${offline === 'confirmed' ? ' likely--confirmed' : ''}${groupError ? ' field--error' : ''}`}
        aria-labelledby={`${fieldId(p('skills'))}-title`}
        data-testid="likely-group"
        data-state={offline}
      >
        <p id={`${fieldId(p('skills'))}-title`} className="likely__title">
          <strong>{offline === 'confirmed' ? t('members.likelyConfirmed') : t('members.likelyTitle')}</strong>
        </p>
        <p className="likely__why">{t('members.likelyWhy')}</p>
        <ul className="likely__list">
          {shown.has('skills') ? <li>{t('members.likelySkills')}</li> : null}
          {OFFLINE_YES_NO.some((q) => shown.has(q)) || shown.has('digitalServices12m') ? (
            <li>
              {t('members.likelyNo', {
                list: [...OFFLINE_YES_NO.filter((q) => shown.has(q)).map((q) => t(`members.short_${q}`)), ...(shown.has('digitalServices12m') ? [t('members.short_digitalServices12m')] : [])].join(', '),
              })}
            </li>
          ) : null}
        </ul>
        {groupError ? <p className="error" role="alert">{groupError}</p> : null}
        <div className="likely__actions">
          {offline === 'proposed' ? (
            <button
              type="button"
              className="btn btn--primary"
              data-testid="likely-confirm"
              onClick={() => {
                set((m) => applyOfflineProposal(m, surveyedAt, ages));
                touch(p('skills'));
              }}
            >
              {t('members.likelyConfirm')}
            </button>
          ) : null}
          <button
            type="button"
            className="btn"
            data-testid="likely-open"
            onClick={() => {
              // Opening shows the questions with the proposal in them, each changeable.
              if (offline === 'proposed') set((m) => applyOfflineProposal(m, surveyedAt, ages));
              setGroupOpen(true);
            }}
          >
            {t('members.likelyOpen')}
          </button>
        </div>
      </section>
    );
  };

  return (
    <section className="member-editor card" aria-labelledby={`member-editor-title-${index}`} data-testid="member-editor">
      <h3 id={`member-editor-title-${index}`} tabIndex={-1}>
        {t('members.memberN', { n: index + 1 })}
      </h3>
      <TextField
        id={fieldId(p('name'))}
        label={t('members.name')}
        optional={t('app.optional')}
        defaultValue={member.name}
        onValue={(name) => set((m) => ({ ...m, name }))}
        onTouched={() => touch(p('name'))}
        error={errorFor(p('name'))}
        maxLength={80}
        enterKeyHint="next"
        // The keyboard's "next" key goes on to the year of birth (the card's next text field).
        onEnter={() => document.getElementById(fieldId(p('birthYear')))?.focus()}
        testId="member-name"
      />
      <TextField
        id={fieldId(p('birthYear'))}
        label={t('members.birthYear')}
        hint={yearOk ? t('members.birthYearRead', { year, age: ageOnDate(year, surveyedAt) }) : t('members.birthYearHint')}
        defaultValue={member.birthYear}
        inputMode="numeric"
        maxLength={4}
        onValue={(birthYear) => set((m) => ({ ...m, birthYear }))}
        onTouched={() => touch(p('birthYear'))}
        error={errorFor(p('birthYear'))}
        testId="member-birthyear"
      />
      <RelationField
        id={fieldId(p('relation'))}
        label={t('members.relation')}
        value={member.relation}
        options={choices.relation}
        error={relationError}
        testId="member-relation"
        onChange={(relation) => {
          set((m) => ({ ...m, relation }));
          touch(p('relation'));
        }}
      />
      <ChoiceGroup
        id={fieldId(p('sex'))}
        legend={t('members.sex')}
        choices={choices.sex}
        value={member.sex}
        compact
        onChange={(sex) => {
          set((m) => ({ ...m, sex }));
          touch(p('sex'));
        }}
        error={errorFor(p('sex'))}
      />
      {!yearOk ? (
        <p className="notice" data-testid="member-needs-year">
          {t('members.needsYear')}
        </p>
      ) : null}
      {shown.has('cccd') ? (
        <TextField
          id={fieldId(p('cccd'))}
          label={t('members.cccd')}
          optional={t('app.optional')}
          defaultValue={member.cccd}
          inputMode="numeric"
          maxLength={14}
          onValue={(cccd) => set((m) => ({ ...m, cccd }))}
          onTouched={() => touch(p('cccd'))}
          error={errorFor(p('cccd'))}
          warning={warningFor(p('cccd'))}
        />
      ) : null}
      {shown.has('phone') ? (
        <TextField
          id={fieldId(p('phone'))}
          label={t('members.phone')}
          optional={t('app.optional')}
          defaultValue={member.phone}
          inputMode="numeric"
          maxLength={16}
          onValue={(phone) => set((m) => ({ ...m, phone }))}
          onTouched={() => touch(p('phone'))}
          error={errorFor(p('phone'))}
          warning={warningFor(p('phone'))}
        />
      ) : null}

      {belowFold && yearOk ? (
        <>
          {shown.has('vneid') ? (
            <ChoiceGroup
              id={fieldId(p('vneid'))}
              legend={t('members.vneid')}
              choices={choices.vneid}
              value={member.vneid}
              compact
              onChange={(vneid) => {
                set((m) => ({ ...m, vneid }));
                touch(p('vneid'));
              }}
              error={errorFor(p('vneid'))}
            />
          ) : null}
          {shown.has('ehr') ? yesNo(p('ehr'), t('members.ehr'), member.ehr, (m, v) => ({ ...m, ehr: v })) : null}
          {adultYesNo('bankAccount')}
          {adultYesNo('ownsSmartphone')}
          {adultYesNo('usedInternet3m')}
          {folded ? (
            offlineGroup()
          ) : (
            <>
              {shown.has('skills') ? (
                <fieldset id={fieldId(p('skills'))} tabIndex={-1} className={`group${errorFor(p('skills')) ? ' field--error' : ''}`}>
                  <legend>{t('members.skills')}</legend>
                  {errorFor(p('skills')) ? <p className="error" role="alert">{errorFor(p('skills'))}</p> : null}
                  <div className="all-row" role="group" aria-label={t('members.allSkills')}>
                    <span className="all-row__label">{t('members.allSkills')}</span>
                    {choices.skill.map((c) => (
                      <button key={c.value} type="button" className="btn btn--small" data-testid={`all-skills-${c.value}`} onClick={() => allSkills(c.value)}>
                        {c.label}
                      </button>
                    ))}
                  </div>
                  {SKILL_KEYS.map((k) => (
                    <ChoiceGroup
                      key={k}
                      id={fieldId(p(`skills.${k}`))}
                      legend={t(`members.skill_${k}`)}
                      choices={choices.skill}
                      value={member.skills[k]}
                      compact
                      onChange={(v) => {
                        set((m) => ({ ...m, skills: { ...m.skills, [k]: v } }));
                        touch(p(`skills.${k}`));
                      }}
                      error={errorFor(p(`skills.${k}`))}
                    />
                  ))}
                </fieldset>
              ) : null}
              {OFFLINE_YES_NO.map((k) => adultYesNo(k))}
              {shown.has('digitalServices12m') ? (
                <fieldset
                  id={fieldId(p('digitalServices12m'))}
                  tabIndex={-1}
                  className={`group${errorFor(p('digitalServices12m')) ? ' field--error' : ''}`}
                >
                  <legend>{t('members.digitalServices12m')}</legend>
                  {errorFor(p('digitalServices12m')) ? <p className="error" role="alert">{errorFor(p('digitalServices12m'))}</p> : null}
                  <div className="all-row" role="group" aria-label={t('members.allServices')}>
                    <span className="all-row__label">{t('members.allServices')}</span>
                    {choices.yesNo.map((c) => (
                      <button key={c.value} type="button" className="btn btn--small" data-testid={`all-services-${c.value}`} onClick={() => allServices(c.value)}>
                        {c.label}
                      </button>
                    ))}
                  </div>
                  {DIGITAL_SERVICE_KEYS.map((k) => (
                    <div key={k}>
                      {yesNo(p(`digitalServices12m.${k}`), t(`members.service_${k}`), member.digitalServices12m[k], (m, v) => ({
                        ...m,
                        digitalServices12m: { ...m.digitalServices12m, [k]: v },
                      }))}
                    </div>
                  ))}
                </fieldset>
              ) : null}
            </>
          )}
          {shown.has('wantsHelp') ? (
            <fieldset className="group" id={fieldId(p('wantsHelp'))} tabIndex={-1}>
              <legend>{t('members.wantsHelp')}</legend>
              {choices.helpTopics.map((c) => (
                <label key={c.value} className="check">
                  <input
                    type="checkbox"
                    checked={member.wantsHelp.includes(c.value)}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      set((m) => ({ ...m, wantsHelp: on ? [...m.wantsHelp, c.value] : m.wantsHelp.filter((x) => x !== c.value) }));
                    }}
                  />
                  <span>{c.label}</span>
                </label>
              ))}
            </fieldset>
          ) : null}
          {shown.has('wantsHelpNote') ? (
            <TextField
              id={fieldId(p('wantsHelpNote'))}
              label={t('members.wantsHelpNote')}
              optional={t('app.optional')}
              defaultValue={member.wantsHelpNote}
              onValue={(wantsHelpNote) => set((m) => ({ ...m, wantsHelpNote }))}
              onTouched={() => touch(p('wantsHelpNote'))}
              error={errorFor(p('wantsHelpNote'))}
              maxLength={200}
            />
          ) : null}
          <MemberCards member={member} skillsAsked={shown.has('skills')} />
        </>
      ) : null}
    </section>
  );
}
