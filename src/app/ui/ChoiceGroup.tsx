// A question with a few answers, as large tappable radio buttons (≥ 44 px) in a fieldset with a
// legend. Nothing is pre-selected. The fieldset carries the field id so the review list can
// jump to it.
import { memo } from 'react';

export interface Choice<T extends string> {
  value: T;
  label: string;
}

export interface ChoiceGroupProps<T extends string> {
  id: string;
  legend: string;
  choices: readonly Choice<T>[];
  value: T | '';
  onChange: (value: T) => void;
  error?: string | undefined;
  compact?: boolean;
}

function ChoiceGroupInner<T extends string>(props: ChoiceGroupProps<T>) {
  return (
    <fieldset
      id={props.id}
      tabIndex={-1}
      className={`choices${props.compact ? ' choices--compact' : ''}${props.error ? ' field--error' : ''}`}
      aria-invalid={props.error ? true : undefined}
    >
      <legend>{props.legend}</legend>
      <div className="choices__options">
        {props.choices.map((c) => (
          <label key={c.value} className={`choice${props.value === c.value ? ' choice--on' : ''}`}>
            <input
              type="radio"
              name={props.id}
              value={c.value}
              checked={props.value === c.value}
              onChange={() => props.onChange(c.value)}
            />
            <span>{c.label}</span>
          </label>
        ))}
      </div>
      {props.error ? (
        <p className="error" role="alert">
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}

export const ChoiceGroup = memo(ChoiceGroupInner) as typeof ChoiceGroupInner;
