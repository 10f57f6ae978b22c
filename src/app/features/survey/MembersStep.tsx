// The household's members as a list of one-line summaries; one member is edited at a time.
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ageOnDate } from '../../../shared/domain/age.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { fieldId, memberBirthYear, type MemberForm } from './form-model.js';
import { MemberEditor } from './MemberEditor.js';
import type { StepProps } from './step-props.js';

export interface MembersStepProps extends StepProps {
  openMemberId: string | undefined;
  /** The member "add member" just created (its editor defers its lower questions). */
  addedMemberId?: string | undefined;
  setOpenMemberId: (id: string | undefined) => void;
  onAdd: () => void;
  onMemberDone: (index: number) => void;
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
  const year = memberBirthYear(member, surveyedAt);
  const age = year !== undefined && !Number.isNaN(year) ? ageOnDate(year, surveyedAt) : undefined;
  return (
    <li className="member-row" data-testid="member-row">
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
    </li>
  );
});

export function MembersStep(props: MembersStepProps) {
  const { t } = useTranslation();
  const { form, openMemberId, setOpenMemberId, update, incomplete } = props;
  const [removing, setRemoving] = useState<string>();
  const openIndex = openMemberId ? form.members.findIndex((m) => m.id === openMemberId) : -1;
  const open = openIndex >= 0 ? form.members[openIndex] : undefined;

  if (open) {
    return (
      <MemberEditor
        key={open.id}
        member={open}
        index={openIndex}
        surveyedAt={props.surveyedAt}
        choices={props.choices}
        onChange={props.updateMember}
        errorFor={props.errorFor}
        warningFor={props.warningFor}
        touch={props.touch}
        onDone={() => props.onMemberDone(openIndex)}
        onClose={() => setOpenMemberId(undefined)}
        deferBelowFold={open.id === props.addedMemberId}
      />
    );
  }

  const membersError = props.errorFor('members');
  return (
    <>
      <p>{t('members.count', { count: form.members.length })}</p>
      {form.members.length === 0 ? <p className="notice">{t('members.none')}</p> : null}
      <ol className="member-list">
        {form.members.map((m, i) => (
          <MemberRow
            key={m.id}
            member={m}
            index={i}
            surveyedAt={props.surveyedAt}
            incomplete={incomplete.has(i)}
            onEdit={setOpenMemberId}
            onRemove={setRemoving}
          />
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
