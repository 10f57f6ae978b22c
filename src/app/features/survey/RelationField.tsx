// The "relation to the head of household" select: asked on each member's card and of whoever
// gives consent, with the same answer list, error display and blank "—" first choice.
import type { Choices } from './choices.js';
import type { Relation } from './form-model.js';

export interface RelationFieldProps {
  id: string;
  label: string;
  value: Relation | '';
  options: Choices['relation'];
  error: string | undefined;
  testId: string;
  onChange: (relation: Relation | '') => void;
}

export function RelationField({ id, label, value, options, error, testId, onChange }: RelationFieldProps) {
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} data-testid={testId} onChange={(e) => onChange(e.currentTarget.value as Relation | '')}>
        <option value="">—</option>
        {options.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      {error ? <p className="error" role="alert">{error}</p> : null}
    </div>
  );
}
