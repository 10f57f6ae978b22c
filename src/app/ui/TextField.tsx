// A labelled text input that never rewrites what is being typed: it is uncontrolled
// (defaultValue), so Vietnamese input methods (Telex, VNI, composition events) work untouched.
// Normalisation (trim, NFC, +84 → 0) happens on save, in the form model.
import { memo, type HTMLAttributes } from 'react';

export interface TextFieldProps {
  id: string;
  label: string;
  defaultValue: string;
  onValue: (value: string) => void;
  onTouched?: () => void;
  error?: string | undefined;
  warning?: string | undefined;
  hint?: string | undefined;
  optional?: string | undefined;
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'];
  maxLength?: number;
  autoComplete?: string;
  /** The keyboard's action key ("next" moves on to the following field). */
  enterKeyHint?: HTMLAttributes<HTMLInputElement>['enterKeyHint'];
  /** Enter pressed in the field (the keyboard's action key); the form is not submitted. */
  onEnter?: () => void;
  testId?: string;
}

export const TextField = memo(function TextField(props: TextFieldProps) {
  const describedBy = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`, props.warning && `${props.id}-warning`]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${props.error ? ' field--error' : ''}`}>
      <label htmlFor={props.id}>
        {props.label} {props.optional ? <span className="optional">{props.optional}</span> : null}
      </label>
      {props.hint ? (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <input
        id={props.id}
        type="text"
        defaultValue={props.defaultValue}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
        data-testid={props.testId}
        enterKeyHint={props.enterKeyHint}
        onKeyDown={
          props.onEnter
            ? (e) => {
                if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
                e.preventDefault();
                props.onEnter?.();
              }
            : undefined
        }
        onChange={(e) => props.onValue(e.currentTarget.value)}
        onBlur={props.onTouched}
      />
      {props.error ? (
        <p className="error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      ) : null}
      {props.warning ? (
        <p className="warning" id={`${props.id}-warning`}>
          {props.warning}
        </p>
      ) : null}
    </div>
  );
});
