// A date field that reads dd/mm/yyyy whatever the system locale: the native <input type=date>
// shows mm/dd/yyyy under an English system and a page cannot change that. A plain text input,
// read by the shared parser; the value handed out stays ISO (YYYY-MM-DD) for the API.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, parseDayMonthYear } from './dates.js';

export interface DateInputProps {
  id: string;
  label: string;
  /** YYYY-MM-DD, or '' for none. */
  value: string;
  onChange: (isoDate: string) => void;
  /** The latest day allowed (YYYY-MM-DD). */
  max?: string;
  hint?: string;
  testId?: string;
}

const shown = (iso: string) => (iso ? formatDate(iso) : '');

type Problem = 'invalid' | 'afterMax';

export function DateInput({ id, label, value, onChange, max, hint, testId }: DateInputProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => shown(value));
  // The problem, not its words: a language switch re-words a message already shown.
  const [error, setError] = useState<Problem | null>(null);
  // The value changed from outside (filters reset): show it (React's "adjust state on prop change").
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    if ((parseDayMonthYear(text) ?? '') !== value) {
      setText(shown(value));
      setError(null);
    }
  }

  const read = (typed: string): { iso: string | null; problem: Problem | null } => {
    if (typed.trim() === '') return { iso: '', problem: null };
    const iso = parseDayMonthYear(typed);
    if (!iso) return { iso: null, problem: 'invalid' };
    if (max && iso > max) return { iso: null, problem: 'afterMax' };
    return { iso, problem: null };
  };

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder={t('dateInput.placeholder')}
        value={text}
        maxLength={10}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint ? hintId : '', error ? errorId : '', `${id}-format`].filter(Boolean).join(' ')}
        data-testid={testId}
        onChange={(e) => {
          const typed = e.currentTarget.value;
          setText(typed);
          const { iso, problem } = read(typed);
          // A complete, valid day applies at once; a half-typed one waits for the blur.
          if (iso !== null) {
            setError(null);
            if (iso !== value) onChange(iso);
          } else if (problem && error) setError(problem);
        }}
        onBlur={() => setError(read(text).problem)}
      />
      <span className="dash-hint" id={`${id}-format`}>
        {t('dateInput.format')}
      </span>
      {error ? (
        <span className="error" id={errorId} role="alert" data-testid={testId ? `${testId}-error` : undefined}>
          {error === 'afterMax' ? t('dateInput.afterMax', { date: formatDate(max ?? '') }) : t('dateInput.invalid')}
        </span>
      ) : null}
      {hint ? (
        <span className="dash-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
    </>
  );
}
