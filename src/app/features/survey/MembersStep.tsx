// The household's members as one scrolling list of cards, one per member: the open member's
// card shows every question that applies to them; the others are one-line summaries that open
// on a tap. "Thêm thành viên" closes the open card and opens a new one below it (no "done"
// screen in between); an unfinished member is marked "Cần bổ sung" and "Tiếp tục" leads back
// to its first missing answer.
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RelevanceAges } from '../../../shared/domain/relevance.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { fieldId, memberAge, type MemberForm } from './form-model.js';
import { MemberEditor } from './MemberEditor.js';
import type { StepProps } from './step-props.js';

export interface MembersStepProps extends StepProps {
  ages: RelevanceAges;
  openMemberId: string | undefined;
  /** The member "add member" just created (its card defers its lower questions). */
  addedMemberId?: string | undefined;
  setOpenMemberId: (id: string | undefined) => void;
  onAdd: () => void;
  updateMember: (id: string, fn: (m: MemberForm) => MemberForm) => void;
  /** Indexes of members with errors (shown as "Cần bổ sung"). */
  incomplete: ReadonlySet<number>;
}

interface RowProps {
  member: MemberForm;
  index: number;
  surveyedAt: string;
  incomplete: boolean;
  onEdit: (id: string) => void;
  onRemove: (id: string) => void;
}

const MemberRow = memo(function MemberRow({ member, index, surveyedAt, incomplete, onEdit, onRemove }: RowProps) {
  const { t } = useTranslation();
  const age = memberAge(member, surveyedAt);
  return (
    <div className="member-row" data-testid="member-row">
      <div className="member-row__text">
        <strong>
          {index + 1}. {member.name.trim() || t('members.unnamed')}
        </strong>
        <span>
          {[member.relation ? t(`relation.${member.relation}`) : null, age !== undefined ? t('members.age', { age }) : null].filter(Boolean).join(' · ')}
        </span>
        <span className={`badge ${incomplete ? 'badge--warn' : 'badge--ok'}`}>{incomplete ? t('members.incomplete') : t('members.complete')}</span>
      </div>
      <div className="member-row__actions">
        <button type="button" className="btn btn--small" onClick={() => onEdit(member.id)} data-testid="member-edit">
          {t('members.edit')}
        </button>
        <button type="button" className="btn btn--small btn--danger-outline" onClick={() => onRemove(member.id)} data-testid="member-remove">
          {t('members.remove')}
        </button>
      </div>
    </div>
  );
});

export function MembersStep(props: MembersStepProps) {
  const { t } = useTranslation();
  const { form, openMemberId, setOpenMemberId, update, incomplete } = props;
  const [removing, setRemoving] = useState<string>();
  const membersError = props.errorFor('members');
  return (
    <>
      <p>{t('members.count', { count: form.members.length })}</p>
      {form.members.length === 0 ? <p className="notice">{t('members.none')}</p> : null}
      <ol className="member-list">
        {form.members.map((m, i) => (
          <li key={m.id} className={m.id === openMemberId ? 'member-list__open' : undefined}>
            {m.id === openMemberId ? (
              <>
                <MemberEditor
                  member={m}
                  index={i}
                  surveyedAt={props.surveyedAt}
                  ages={props.ages}
                  choices={props.choices}
                  onChange={props.updateMember}
                  errorFor={props.errorFor}
                  warningFor={props.warningFor}
                  touch={props.touch}
                  deferBelowFold={m.id === props.addedMemberId}
                />
                <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setRemoving(m.id)} data-testid="member-remove">
                  {t('members.remove')}
                </button>
              </>
            ) : (
              <MemberRow
                member={m}
                index={i}
                surveyedAt={props.surveyedAt}
                incomplete={incomplete.has(i)}
                onEdit={setOpenMemberId}
                onRemove={setRemoving}
              />
            )}
          </li>
        ))}
      </ol>
      {membersError ? <p className="error" role="alert">{membersError}</p> : null}
      <button type="button" id={fieldId('members')} className="btn btn--block btn--add" onClick={props.onAdd} data-testid="add-member">
        + {t('members.add')}
      </button>
      <ConfirmDialog
        open={removing !== undefined}
        message={t('members.removeConfirm')}
        confirmLabel={t('members.remove')}
        testId="remove-member-dialog"
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => {
          const id = removing;
          setRemoving(undefined);
          update((f) => ({ ...f, members: f.members.filter((m) => m.id !== id) }));
        }}
      />
    </>
  );
}
