// A search box with a clear button big enough for a thumb (44×44 px): the browser's own "×"
// is about 16 px, so it is hidden (styles.css) and this one takes its place. Uncontrolled, like
// TextField, so Vietnamese input methods are never disturbed while composing.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface SearchInputProps {
  id: string;
  onValue: (value: string) => void;
  placeholder?: string;
  testId?: string;
}

export function SearchInput({ id, onValue, placeholder, testId }: SearchInputProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLInputElement>(null);
  const [hasText, setHasText] = useState(false);
  return (
    <div className="search-input">
      <input
        ref={ref}
        id={id}
        type="search"
        autoComplete="off"
        defaultValue=""
        placeholder={placeholder}
        onChange={(e) => {
          setHasText(e.currentTarget.value !== '');
          onValue(e.currentTarget.value);
        }}
        data-testid={testId}
      />
      {hasText ? (
        <button
          type="button"
          className="search-input__clear"
          aria-label={t('app.clearSearch')}
          onClick={() => {
            if (ref.current) ref.current.value = '';
            setHasText(false);
            onValue('');
            ref.current?.focus();
          }}
          data-testid={testId ? `${testId}-clear` : undefined}
        >
          ×
        </button>
      ) : null}
    </div>
  );
}
