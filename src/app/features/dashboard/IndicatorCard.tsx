// One indicator: value against target, đạt / chưa đạt, what it rests on and the "không rõ" count.
import { useTranslation } from 'react-i18next';
import type { IndicatorValue } from './api.js';
import { countsHouseholds, formatNumber, formatPercent, indicatorName } from './format.js';

export function ReachedBadge({ item }: { item: IndicatorValue }) {
  const { t } = useTranslation();
  if (item.reached === null) return <span className="badge">{item.target === null ? t('dashboard.ind.noTarget') : t('dashboard.ind.noValue')}</span>;
  return item.reached ? <span className="badge badge--ok">{t('dashboard.ind.reached')}</span> : <span className="badge badge--warn">{t('dashboard.ind.notReached')}</span>;
}

export function IndicatorCard({ item }: { item: IndicatorValue }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const unit = countsHouseholds(item.code) ? t('dashboard.ind.households') : t('dashboard.ind.people');
  const id = `ind-${item.code}`;
  return (
    <article className="dash-card" aria-labelledby={`${id}-name`} data-testid={id}>
      <h3 id={`${id}-name`} className="dash-card__title">
        {indicatorName(item.code, lang)}
      </h3>
      {item.proxy ? <p className="dash-tag">{t('dashboard.ind.proxy')}</p> : null}
      <p className="dash-card__value">
        <span data-testid={`${id}-value`} data-value={item.value ?? ''}>
          {formatPercent(item.value, lang)}
        </span>
        <ReachedBadge item={item} />
      </p>
      <dl className="dash-card__facts">
        <div>
          <dt>{t('dashboard.ind.target')}</dt>
          <dd data-testid={`${id}-target`}>{item.target === null ? t('dashboard.ind.noTarget') : formatPercent(item.target, lang)}</dd>
        </div>
        <div>
          <dt>{t('dashboard.ind.restsOn')}</dt>
          <dd>
            <span data-testid={`${id}-numerator`}>{formatNumber(item.numerator, lang)}</span> / <span data-testid={`${id}-denominator`}>{formatNumber(item.denominator, lang)}</span> {unit}
          </dd>
        </div>
        <div>
          <dt>{t('dashboard.ind.unknown')}</dt>
          <dd data-testid={`${id}-unknown`}>{formatNumber(item.unknown, lang)}</dd>
        </div>
      </dl>
    </article>
  );
}
