// Teaching cards (#/cards): short offline guides from seeds/teaching, in the current language.
import { useTranslation } from 'react-i18next';
import { TEACHING_CARDS } from '../../../../seeds/teaching/index.js';
import { currentLanguage } from '../../i18n/index.js';
import { href } from '../../ui/router.js';
import './assistance.css';

export function CardsScreen() {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <div data-testid="cards">
      <h1>{t('cards.title')}</h1>
      <ul className="plain-list">
        {TEACHING_CARDS.map((card) => (
          <li key={card.id}>
            <a className="btn btn--block" href={href({ name: 'card', id: card.id })} data-testid="card-link" data-id={card.id}>
              {card.title[lang]}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default CardsScreen;
