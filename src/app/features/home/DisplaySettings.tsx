// Home's display switches: high contrast for sunlight, larger text for older eyes. They apply at
// once (on <html>) and are kept per phone (storage/display-settings.ts).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadAppDb } from '../../storage/app-store.js';
import { applyDisplay, initialDisplay, setDisplay, type DisplaySettings as Settings } from '../../storage/display-settings.js';

export function DisplaySettings() {
  const { t } = useTranslation();
  // The first paint's settings are on <html> already; meta's copy, when it differs, was applied
  // by main.tsx and mirrored, so the mirror is the truth here.
  const [settings, setSettings] = useState<Settings>(() => initialDisplay());
  const change = (next: Settings) => {
    setSettings(next);
    applyDisplay(next);
    void loadAppDb().then((db) => setDisplay(db, next));
  };
  return (
    <fieldset className="display-settings" data-testid="display-settings">
      <legend>{t('display.title')}</legend>
      <label className="check">
        <input
          type="checkbox"
          role="switch"
          checked={settings.highContrast}
          onChange={(e) => change({ ...settings, highContrast: e.target.checked })}
          data-testid="display-contrast"
        />{' '}
        {t('display.highContrast')}
      </label>
      <label className="check">
        <input
          type="checkbox"
          role="switch"
          checked={settings.largeText}
          onChange={(e) => change({ ...settings, largeText: e.target.checked })}
          data-testid="display-large-text"
        />{' '}
        {t('display.largeText')}
      </label>
    </fieldset>
  );
}
