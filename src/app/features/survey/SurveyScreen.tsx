// The household survey in short steps. State is the as-typed form (form-model.ts), autosaved
// as a draft ≤ 0.4 s behind the last change and flushed when the page is hidden, on an app
// update and when leaving. Saving validates, writes record + outbox and deletes the draft in one
// transaction (records-repo.ts); if the phone is full the form stays on screen and the draft stays.
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { surveyedAtForSave } from '../../../shared/domain/survey-date.js';
import type { FieldError } from '../../../shared/domain/validation.js';
import type { StoredRecord } from '../../storage/db.js';
import { appDbLoaded, loadAppDb } from '../../storage/app-store.js';
import { getInstallId } from '../../storage/meta.js';
import { createAutosaver, type Autosaver } from '../../storage/drafts-repo.js';
import { StorageFullError } from '../../storage/errors.js';
import { registerBeforeUpdate } from '../../pwa/update.js';
import { localDate } from '../../ui/dates.js';
import { setFlash } from '../../ui/flash.js';
import { navigate } from '../../ui/router.js';
import { groupName, useWard } from '../../ward-context.js';
import { AddressStep } from './AddressStep.js';
import { useChoices } from './choices.js';
import {
  dataToForm,
  emptyForm,
  emptyMember,
  fieldId,
  formSearchText,
  formToData,
  STEPS,
  type DataContext,
  type HouseholdForm,
  type MemberForm,
  type Step,
  type Validation,
} from './form-model.js';
import {
  decideNext,
  incompleteMembers,
  initialUi,
  isShown,
  memberIdOfPath,
  normaliseDraftForm,
  stepPosition,
  surveyReducer,
  withFirstMember,
  withoutUntouchedMembers,
} from './survey-model.js';
import { isUntouchedMember } from './empty-member.js';
import { settledSurveyReads, takeSurveyReads, type SurveyReads } from './survey-preload.js';
import { firstQuestionShown } from '../../first-screen.js';
import type { StepProps } from './step-props.js';

export interface SurveyScreenProps {
  draftId: string;
  /** Set when editing (or revisiting) a saved household. */
  recordId?: string;
}

type FormValidation = typeof import('./form-validation.js');
let formValidation: Promise<FormValidation> | undefined;
// The schema check (zod) and the records repo are not needed to show the first step: they are
// loaded once it is on screen (or on the first check or save, whichever comes first).
// A failed load (a chunk missing after an update) is not remembered, so the next check retries.
const loadFormValidation = () =>
  (formValidation ??= import('./form-validation.js').catch((err: unknown) => {
    formValidation = undefined;
    throw err;
  }));
const loadRecordsRepo = () => import('../../storage/records-repo.js');

// The steps after the first load in the background once the first question is on screen (or
// at once when a draft reopens on a later step); the first step needs none of their code. Not
// React.lazy: a step change focuses a field of the new step in the commit that shows it, so a
// later step is shown only with its code in hand (the focus waits for it, see below).
type LaterSteps = typeof import('./later-steps.js');
let laterSteps: LaterSteps | undefined;
let laterStepsLoading: Promise<LaterSteps> | undefined;
const loadLaterSteps = () =>
  (laterStepsLoading ??= import('./later-steps.js').then(
    (m) => (laterSteps = m),
    (err: unknown) => {
      laterStepsLoading = undefined;
      throw err;
    },
  ));

const NO_PROBLEMS: Validation = { errors: [], warnings: [] };

interface Loaded {
  form: HouseholdForm;
  step: Step;
  record: StoredRecord | undefined;
  /** Undefined until the database is loaded on a blank phone (storage/app-store.ts). */
  installId: string | undefined;
  createdAt: string | undefined;
}

async function load(draftId: string, recordId: string | undefined): Promise<Loaded> {
  const [reads, record] = await Promise.all([
    takeSurveyReads(draftId),
    recordId ? Promise.all([loadRecordsRepo(), loadAppDb()]).then(([m, db]) => m.getHousehold(db, recordId)) : Promise.resolve(undefined),
  ]);
  return loadedFrom(reads, record);
}

/** A new household's (or draft's) state at once when boot.ts's reads are already in; else undefined. */
function loadedAtOnce(draftId: string, recordId: string | undefined): Loaded | undefined {
  const reads = recordId ? undefined : settledSurveyReads(draftId);
  return reads ? loadedFrom(reads, undefined) : undefined;
}

function loadedFrom({ draft, installId }: SurveyReads, record: StoredRecord | undefined): Loaded {
  if (draft) {
    const step = (STEPS as readonly string[]).includes(draft.step) ? (draft.step as Step) : 'address';
    // A draft of any app version opens: missing keys are filled with empty answers.
    return { form: normaliseDraftForm(draft.form), step, record, installId, createdAt: draft.createdAt };
  }
  if (record) {
    const form = dataToForm(record.record.data);
    // A revisit starts at the outcome; an edit at the beginning.
    return { form, step: form.outcome === 'not_home' ? 'outcome' : 'address', record, installId, createdAt: undefined };
  }
  return { form: emptyForm(), step: 'address', record: undefined, installId, createdAt: undefined };
}

export default function SurveyScreen({ draftId, recordId }: SurveyScreenProps) {
  const { t } = useTranslation();
  const ward = useWard();
  const choices = useChoices();
  // On a first visit the draft's reads (boot.ts) are usually in before this first render: the
  // step shows in it, without a "loading" render, commit and layout first (issue 13).
  const [initial] = useState(() => loadedAtOnce(draftId, recordId));
  const [loaded, setLoaded] = useState<Loaded | undefined>(initial);
  const [form, setForm] = useState<HouseholdForm>(() => initial?.form ?? emptyForm());
  // Where the volunteer is, what they were shown, what gets focus: survey-model.ts.
  const [ui, dispatch] = useReducer(surveyReducer, initial, (i) => (i ? surveyReducer(initialUi, { type: 'loaded', step: i.step }) : initialUi));
  const { step, shown, openMemberId, addedMemberId, focus: focusRequest, headingFocus } = ui;
  // A focus request is consumed through a ref rather than reset with a dispatch, which would
  // cost a second render of the whole form (measured on "add member" with 29 members on a
  // throttled phone). A step change moves the focus to the new step's heading in the same
  // commit that shows the step: on a later frame it could land after the volunteer (or a test)
  // has already focused a field of the new step, and take their typing away from it.
  const handledFocus = useRef<{ path: string } | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<string>();
  const [draftState, setDraftState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const dirty = useRef(false);
  const autosaver = useRef<Autosaver>(undefined);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [validator, setValidator] = useState<FormValidation>();
  const [later, setLater] = useState<LaterSteps | undefined>(laterSteps);
  const [installId, setInstallId] = useState<string>();

  useEffect(() => {
    if (initial && !recordId) {
      // Shown from the reads already: they are used up (a later mount of this draft reads afresh).
      void takeSurveyReads(draftId).catch(() => undefined);
      return;
    }
    let alive = true;
    void load(draftId, recordId).then((l) => {
      if (!alive) return;
      setLoaded(l);
      setForm(l.form);
      dispatch({ type: 'loaded', step: l.step });
    });
    return () => {
      alive = false;
    };
    // `initial` is the first render's: the screen is keyed by its draft (routes.ts).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftId, recordId]);

  useEffect(() => {
    // A blank phone's first write loads the database (storage/app-store.ts); what was typed
    // waits in the autosaver until then.
    const saver = createAutosaver(loadAppDb, {
      onSaved: () => setDraftState('saved'),
      onError: (err) => setProblem(err instanceof StorageFullError ? t('storage.full') : t('app.unexpectedError', { message: String(err) })),
    });
    autosaver.current = saver;
    const unregister = registerBeforeUpdate(() => saver.flush());
    return () => {
      unregister();
      void saver.dispose();
    };
  }, [t]);

  // A blank phone's install id is made with its database, loaded once the first question is up.
  const installIdMissing = loaded !== undefined && loaded.installId === undefined;
  useEffect(() => {
    if (!installIdMissing) return;
    let alive = true;
    void appDbLoaded.then(getInstallId).then((id) => alive && setInstallId(id));
    return () => {
      alive = false;
    };
  }, [installIdMissing]);

  // After the first step is on screen, fetch the schema check in the background, and let the
  // app load what waited for the first question (first-screen.ts).
  useEffect(() => {
    if (!loaded) return;
    firstQuestionShown();
    void loadLaterSteps().then((m) => alive && setLater(() => m));
    let alive = true;
    void loadFormValidation().then((m) => alive && setValidator(() => m));
    return () => {
      alive = false;
    };
  }, [loaded]);

  // The survey date the save will set (domain/survey-date.ts), so ages are checked on it: today
  // for a new household or for the revisit that surveys a not-home / refused one, else the
  // stored date. It changes only when the outcome does.
  const surveyOutcome = form.outcome === '' ? undefined : form.outcome;
  const ctx: DataContext | undefined = useMemo(() => {
    if (!ward || !loaded) return undefined;
    const previous = loaded.record?.record.data;
    const surveyedAt = surveyedAtForSave(previous, surveyOutcome ?? previous?.outcome ?? 'surveyed', localDate());
    // The ward's ages decide which member questions apply (shared/domain/relevance.ts).
    const ages = { adultAge: ward.settings.adultAge, vneidMinAge: ward.settings.vneidMinAge };
    return { wardCode: ward.code, installId: loaded.installId ?? installId ?? '', surveyedAt, ages };
  }, [ward, loaded, surveyOutcome, installId]);

  // Autosave after every change the volunteer makes (not on merely opening the form).
  useEffect(() => {
    if (!dirty.current || !loaded) return;
    setDraftState('saving');
    autosaver.current?.schedule({
      id: draftId,
      ...(recordId && loaded.record ? { recordId } : {}),
      form,
      step,
      searchText: formSearchText(form, form.groupCode ? groupName(ward, form.groupCode) : undefined),
      ...(form.groupCode ? { groupCode: form.groupCode } : {}),
      ...(loaded.createdAt ? { createdAt: loaded.createdAt } : {}),
    });
  }, [form, step, draftId, recordId, loaded, ward]);

  const update = useCallback((fn: (f: HouseholdForm) => HouseholdForm) => {
    dirty.current = true;
    setForm(fn);
  }, []);
  const updateMember = useCallback(
    (id: string, fn: (m: MemberForm) => MemberForm) => update((f) => ({ ...f, members: f.members.map((m) => (m.id === id ? fn(m) : m)) })),
    [update],
  );
  const touch = useCallback((path: string) => dispatch({ type: 'touch', path }), []);
  const setOpenMemberId = useCallback((id: string | undefined) => dispatch({ type: 'openMember', id }), []);

  // Validation for display runs on a deferred copy so typing and "add member" never wait for it.
  // The context is deferred with the form: the render that first shows the loaded step must not
  // wait for a full validation (zod) either; it follows a moment later.
  // (And for the install id, which a blank phone has once its database is loaded.)
  const validationInput = useMemo(() => (ctx?.installId ? { form, ctx } : undefined), [form, ctx]);
  const deferredInput = useDeferredValue(validationInput, undefined);
  const validation = useMemo(
    () => (deferredInput && validator ? validator.validateForm(deferredInput.form, deferredInput.ctx, ward?.settings.mobilePrefixes) : NO_PROBLEMS),
    [deferredInput, ward, validator],
  );
  const errorMap = useMemo(() => new Map([...validation.errors, ...saveErrors].map((e) => [e.path, e.code])), [validation, saveErrors]);
  const warningMap = useMemo(() => new Map(validation.warnings.map((w) => [w.path, w.code])), [validation]);
  const errorFor = useCallback(
    (path: string) => {
      const code = errorMap.get(path);
      return code && isShown(shown, path) ? t(`validation.${code}`) : undefined;
    },
    [errorMap, shown, t],
  );
  const warningFor = useCallback((path: string) => {
    const code = warningMap.get(path);
    return code ? t(`validation.${code}`) : undefined;
  }, [warningMap, t]);
  const incomplete = useMemo(() => incompleteMembers(validation.errors), [validation]);

  // Focus a field after the step (or member) holding it has rendered.
  useEffect(() => {
    // A field of a later step is focused once that step's code is there and it has rendered.
    if (!focusRequest || handledFocus.current === focusRequest || (step !== 'address' && !later)) return;
    handledFocus.current = focusRequest;
    const parts = focusRequest.path.split('.');
    for (let i = parts.length; i > 0; i--) {
      const el = document.getElementById(fieldId(parts.slice(0, i).join('.')));
      if (el) {
        el.scrollIntoView({ block: 'center' });
        el.focus({ preventScroll: true });
        break;
      }
    }
  }, [focusRequest, step, openMemberId, later]);

  useLayoutEffect(() => {
    if (headingFocus > 0) headingRef.current?.focus({ preventScroll: true });
  }, [headingFocus]);

  if (!loaded || !ward || !ctx) return <p className="notice">{t('survey.loadingDraft')}</p>;

  const { steps, current, index } = stepPosition(form, step);

  const goTo = (target: Step) => {
    if (target !== step) dirty.current = true;
    dispatch({ type: 'goTo', step: target });
    window.scrollTo(0, 0);
    if (target === 'members' && form.members.length === 0) {
      // The household's first person: their card is open at once, its name field ready for
      // typing (no "add" tap, no tap on the field).
      const first = emptyMember();
      update((f) => withFirstMember(f, first));
      dispatch({ type: 'memberAdded', id: first.id, index: 0 });
    }
  };

  const jumpTo = (path: string) => dispatch({ type: 'jumpTo', path, memberId: memberIdOfPath(form, path) });

  const next = async () => {
    // Leaving the members step drops members nothing was entered for (never the only one).
    const checked = current === 'members' ? withoutUntouchedMembers(form, isUntouchedMember) : form;
    if (checked !== form) update(() => checked);
    const now = (await loadFormValidation()).validateForm(checked, ctx, ward.settings.mobilePrefixes);
    dispatch({ type: 'showStep', step: current });
    const decision = decideNext(checked, current, now);
    if (decision.kind === 'jump') jumpTo(decision.path);
    else if (decision.kind === 'go') goTo(decision.step);
  };

  const addMember = () => {
    // A second tap on "+ Thêm thành viên" while the new card is still empty adds nothing more:
    // the empty card's name field takes the focus again.
    const openIndex = form.members.findIndex((m) => m.id === openMemberId);
    const open = form.members[openIndex];
    if (open && isUntouchedMember(open)) {
      jumpTo(`members.${openIndex}.name`);
      return;
    }
    const member = emptyMember();
    // The card closed here keeps its answers; its row says "Cần bổ sung" if something is missing.
    if (openMemberId) touch(`members.${form.members.findIndex((m) => m.id === openMemberId)}`);
    update((f) => ({ ...f, members: [...f.members, member] }));
    dispatch({ type: 'memberAdded', id: member.id, index: form.members.length });
  };

  const removeMember = (id: string) => update((f) => ({ ...f, members: f.members.filter((m) => m.id !== id) }));

  // Opening another member's card closes this one; a member nothing was entered for (an
  // accidental "+ Thêm thành viên") is removed then rather than left to block saving.
  const openMember = (id: string | undefined) => {
    const open = form.members.find((m) => m.id === openMemberId);
    if (open && open.id !== id && form.members.length > 1 && isUntouchedMember(open)) removeMember(open.id);
    setOpenMemberId(id);
  };

  const refuse = () => {
    update((f) => ({ ...f, outcome: 'refused' }));
    goTo('review');
  };

  const save = async () => {
    let now: Validation;
    let saveCtx = ctx;
    try {
      if (!ctx.installId) saveCtx = { ...ctx, installId: await getInstallId(await loadAppDb()) };
      now = (await loadFormValidation()).validateForm(form, saveCtx, ward.settings.mobilePrefixes);
    } catch (err) {
      // The check's code could not load: say so; the form and its draft stay as they are.
      setProblem(t('app.unexpectedError', { message: String(err) }));
      return;
    }
    dispatch({ type: 'showAll' });
    if (now.errors.length > 0) return;
    setSaving(true);
    setProblem(undefined);
    const saver = autosaver.current;
    // No draft write may land after the record's transaction deletes the draft.
    await saver?.cancel();
    try {
      const { data } = formToData(form, saveCtx);
      const existingId = loaded.record ? loaded.record.id : undefined;
      const { saveHousehold } = await loadRecordsRepo();
      const result = await saveHousehold(await loadAppDb(), data, {
        draftId,
        ...(existingId ? { existingId } : {}),
        groupName: groupName(ward, form.groupCode),
      });
      if (!result.ok) {
        setSaveErrors(result.errors);
        setSaving(false);
        return;
      }
      setFlash(t('review.saved'));
      // Sends it now when online; a no-op offline or before enrolment. Imported here so the
      // sync engine's code is not on the way to the survey's first step.
      void import('../../sync/sync-engine.js').then((m) => m.requestSync());
      navigate({ name: 'record', id: result.record.id }, { replace: true });
    } catch (err) {
      // The form stays on screen and goes back into the draft: nothing typed is lost.
      dirty.current = true;
      setForm((f) => ({ ...f }));
      setProblem(err instanceof StorageFullError ? t('storage.full') : t('app.unexpectedError', { message: String(err) }));
      setSaving(false);
    }
  };

  const stepProps: StepProps = { form, update, errorFor, warningFor, touch, choices, ward, surveyedAt: ctx.surveyedAt };

  return (
    <div className="survey" data-testid="survey" data-step={current}>
      <ol className="stepper">
        {steps.map((st, i) => (
          <li key={st}>
            <button
              type="button"
              className={`stepper__step${st === current ? ' stepper__step--on' : ''}`}
              aria-current={st === current ? 'step' : undefined}
              aria-label={t('steps.goTo', { n: i + 1, name: t(`steps.${st}`) })}
              onClick={() => goTo(st)}
              data-testid={`goto-step-${st}`}
            >
              {i + 1}
            </button>
          </li>
        ))}
      </ol>
      <p className="survey__progress">
        {t('steps.progress', { n: index + 1, total: steps.length })}
        {loaded.record ? <span className="badge">{t('survey.editing')}</span> : null}
        <span className="survey__draft" role="status" data-testid="draft-state" data-state={draftState}>
          {draftState === 'saving' ? t('survey.draftSaving') : draftState === 'saved' ? t('survey.draftSaved') : ''}
        </span>
      </p>
      <h2 ref={headingRef} tabIndex={-1} data-testid="step-title">
        {t(`steps.${current}`)}
      </h2>
      {problem ? (
        <p className="banner banner--error" role="alert" data-testid="storage-problem">
          {problem}
        </p>
      ) : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          // The keyboard's Enter moves on from a step's fields, but never out of a member's card.
          if (current !== 'review' && current !== 'members') void next();
        }}
      >
        {current === 'address' ? <AddressStep {...stepProps} /> : null}
        {current !== 'address' && !later ? <p className="notice">{t('app.loading')}</p> : null}
        {later && current === 'outcome' ? <later.OutcomeStep {...stepProps} /> : null}
        {later && current === 'consent' ? <later.ConsentStep {...stepProps} onRefuse={refuse} /> : null}
        {later && current === 'members' ? (
          <later.MembersStep
            {...stepProps}
            ages={ctx.ages}
            openMemberId={openMemberId}
            addedMemberId={addedMemberId}
            setOpenMemberId={openMember}
            onAdd={addMember}
            updateMember={updateMember}
            incomplete={incomplete}
          />
        ) : null}
        {later && current === 'devices' ? <later.DevicesStep {...stepProps} /> : null}
        {later && current === 'review' ? (
          <later.ReviewStep
            {...stepProps}
            // The save's own errors too (e.g. record_too_large): the form's check cannot see them.
            errors={[...validation.errors, ...saveErrors.filter((e) => !validation.errors.some((v) => v.path === e.path))]}
            warnings={validation.warnings}
            saving={saving}
            onJump={jumpTo}
            onSave={() => void save()}
            onRemoveMember={removeMember}
          />
        ) : null}
        {(
          <div className="step-nav">
            {index > 0 ? (
              <button type="button" className="btn" onClick={() => goTo(steps[index - 1]!)} data-testid="step-back">
                {t('survey.back')}
              </button>
            ) : (
              <a className="btn" href="#/" data-testid="step-exit">
                {t('survey.exit')}
              </a>
            )}
            {current !== 'review' ? (
              <button type="button" className="btn btn--primary" data-testid="step-next" onClick={() => void next()}>
                {t('survey.next')}
              </button>
            ) : null}
          </div>
        )}
      </form>
    </div>
  );
}
