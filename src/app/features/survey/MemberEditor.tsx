// One member's questions. Only one member is edited at a time (the others are summary rows),
// so a household of 20–30 people stays fast. Questions for MIN_QUESTION_AGE+ appear only when
// the member is that old; every yes/no has "Không rõ".
import { useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { DIGITAL_SERVICE_KEYS, SKILL_KEYS } from '../../../shared/schema/household-constants.js';
import { ageOnDate } from '../../../shared/domain/age.js';
import { ChoiceGroup } from '../../ui/ChoiceGroup.js';
import { TextField } from '../../ui/TextField.js';
import { ADULT_YES_NO_KEYS, asksAdultQuestions, fieldId, memberBirthYear, type MemberForm, type Relation } from './form-model.js';
import type { Choices } from './choices.js';
import { MemberCards } from '../assistance/MemberCards.js';

export interface MemberEditorProps {
  member: MemberForm;
  index: number;
  surveyedAt: string;
  choices: Choices;
  onChange: (id: string, fn: (m: MemberForm) => MemberForm) => void;
  errorFor: (path: string) => string | undefined;
  warningFor: (path: string) => string | undefined;
  touch: (path: string) => void;
  onDone: () => void;
  /** Closes the editor without checking (the member list marks it "Cần bổ sung"). */
  onClose: () => void;
  /**
   * For a member just added: the identity fields (what fills the screen) render at once and the
   * questions below them a moment later, in a deferred render, so "add member" answers fast.
   */
  deferBelowFold?: boolean;
}

export function MemberEditor({ member, index, surveyedAt, choices, onChange, errorFor, warningFor, touch, onDone, onClose, deferBelowFold = false }: MemberEditorProps) {
  const { t } = useTranslation();
  const belowFold = useDeferredValue(true, !deferBelowFold);
  const p = (key: string) => `members.${index}.${key}`;
  const set = (fn: (m: MemberForm) => MemberForm) => onChange(member.id, fn);
  const year = memberBirthYear(member, surveyedAt);
  const yearOk = year !== undefined && !Number.isNaN(year);
  const adult = asksAdultQuestions(member, surveyedAt);
  const relationError = errorFor(p('relation'));

  const yesNo = (path: string, legend: string, value: MemberForm['ehr'], apply: (m: MemberForm, v: 'yes' | 'no' | 'unknown') => MemberForm) => (
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

  return (
    <section className="member-editor" aria-labelledby="member-editor-title" data-testid="member-editor">
      <h3 id="member-editor-title" tabIndex={-1}>
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
        testId="member-name"
      />
      <div className={`field${relationError ? ' field--error' : ''}`}>
        <label htmlFor={fieldId(p('relation'))}>{t('members.relation')}</label>
        <select
          id={fieldId(p('relation'))}
          value={member.relation}
          data-testid="member-relation"
          onChange={(e) => {
            const relation = e.currentTarget.value as Relation | '';
            set((m) => ({ ...m, relation }));
            touch(p('relation'));
          }}
        >
          <option value="">—</option>
          {choices.relation.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        {relationError ? <p className="error" role="alert">{relationError}</p> : null}
      </div>
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

      {belowFold ? (
        <>
          {adult ? (
            <>
              {yesNo(p('ownsSmartphone'), t('members.ownsSmartphone'), member.adult.ownsSmartphone, (m, v) => ({ ...m, adult: { ...m.adult, ownsSmartphone: v } }))}
              {yesNo(p('usedInternet3m'), t('members.usedInternet3m'), member.adult.usedInternet3m, (m, v) => ({ ...m, adult: { ...m.adult, usedInternet3m: v } }))}
              <fieldset id={fieldId(p('skills'))} tabIndex={-1} className={`group${errorFor(p('skills')) ? ' field--error' : ''}`}>
                <legend>{t('members.skills')}</legend>
                {errorFor(p('skills')) ? <p className="error" role="alert">{errorFor(p('skills'))}</p> : null}
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
            </>
          ) : (
            <p className="notice">{t('members.under14')}</p>
          )}

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
          {yesNo(p('ehr'), t('members.ehr'), member.ehr, (m, v) => ({ ...m, ehr: v }))}
          {adult
            ? ADULT_YES_NO_KEYS.filter((k) => k !== 'ownsSmartphone' && k !== 'usedInternet3m').map((k) => (
                <div key={k}>{yesNo(p(k), t(`members.${k}`), member.adult[k], (m, v) => ({ ...m, adult: { ...m.adult, [k]: v } }))}</div>
              ))
            : null}
          <fieldset className="group">
            <legend>{t('members.digitalServices12m')}</legend>
            {DIGITAL_SERVICE_KEYS.map((k) => (
              <div key={k}>
                {yesNo(p(`digitalServices12m.${k}`), t(`members.service_${k}`), member.digitalServices12m[k], (m, v) => ({
                  ...m,
                  digitalServices12m: { ...m.digitalServices12m, [k]: v },
                }))}
              </div>
            ))}
          </fieldset>
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
        </>
      ) : null}
      {belowFold ? <MemberCards member={member} adult={adult} /> : null}
      <button type="button" className="btn btn--primary btn--block" onClick={onDone} data-testid="member-done">
        {t('members.done')}
      </button>
      <button type="button" className="btn btn--block" onClick={onClose} data-testid="member-close">
        {t('members.backToList')}
      </button>
    </section>
  );
}
