// One teaching card (#/cards/<id>), step by step so the volunteer can teach at the door.
// "Đã hướng dẫn" opens the assistance form with kind teaching_card and this card (and the member,
// typed in the form).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TEACHING_CARDS } from '../../../../seeds/teaching/index.js';
import { currentLanguage } from '../../i18n/index.js';
import { href } from '../../ui/router.js';
import './assistance.css';

export function CardScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const [step, setStep] = useState(0);
  const card = TEACHING_CARDS.find((c) => c.id === id);
  if (!card) {
    return (
      <div>
        <p className="notice">{t('cards.notFound')}</p>
        <a className="btn btn--block" href={href({ name: 'cards' })}>
          {t('cards.back')}
        </a>
      </div>
    );
  }
  const total = card.steps.length;
  const current = card.steps[Math.min(step, total - 1)];
  return (
    <div className="card-view" data-testid="card-view" data-id={card.id}>
      <h1>{card.title[lang]}</h1>
      <p className="hint" data-testid="card-step-n">
        {t('cards.step', { n: step + 1, total })}
      </p>
      <p className="card-view__step" data-testid="card-step" aria-live="polite">
        {current?.[lang]}
      </p>
      {card.caution ? (
        <p className="card-view__caution">
          <strong>{t('cards.caution')}:</strong> {card.caution[lang]}
        </p>
      ) : null}
      <div className="assist__row">
        <button type="button" className="btn" disabled={step === 0} onClick={() => setStep((s) => Math.max(0, s - 1))} data-testid="card-prev">
          {t('cards.prev')}
        </button>
        <button type="button" className="btn btn--primary" disabled={step >= total - 1} onClick={() => setStep((s) => Math.min(total - 1, s + 1))} data-testid="card-next">
          {t('cards.next')}
        </button>
      </div>
      <a className="btn btn--primary btn--block" href={href({ name: 'assist', cardId: card.id })} data-testid="card-taught">
        {t('cards.taught')}
      </a>
      <a className="btn btn--block" href={href({ name: 'cards' })}>
        {t('cards.back')}
      </a>
    </div>
  );
}

export default CardScreen;
