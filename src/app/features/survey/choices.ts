// Answer lists for the survey's questions, translated, memoised per language (`t` changes with
// the language) so the memoised inputs do not re-render on every keystroke.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_METHODS, HELP_TOPICS, RELATIONS, SEXES } from '../../../shared/schema/household-constants.js';
import type { Choice } from '../../ui/ChoiceGroup.js';

export function useChoices() {
  const { t } = useTranslation();
  return useMemo(() => {
    const yesNo: Choice<'yes' | 'no' | 'unknown'>[] = (['yes', 'no', 'unknown'] as const).map((v) => ({ value: v, label: t(`yesNo.${v}`) }));
    return {
      yesNo,
      outcome: (['surveyed', 'not_home', 'refused'] as const).map((v) => ({ value: v, label: t(`outcome.${v}`) })),
      relation: RELATIONS.map((v) => ({ value: v, label: t(`relation.${v}`) })),
      sex: SEXES.map((v) => ({ value: v, label: t(`sex.${v}`) })),
      method: CONSENT_METHODS.map((v) => ({ value: v, label: t(`consent.method_${v}`) })),
      vneid: (['none', 'level1', 'level2', 'unknown'] as const).map((v) => ({ value: v, label: t(`vneid.${v}`) })),
      skill: (['proficient', 'needs_help', 'none', 'unknown'] as const).map((v) => ({ value: v, label: t(`skillLevel.${v}`) })),
      helpTopics: HELP_TOPICS.map((v) => ({ value: v, label: t(`members.help_${v}`) })),
      qr: [
        { value: 'yes' as const, label: t('yesNo.yes') },
        { value: 'no' as const, label: t('yesNo.no') },
        { value: 'no_business' as const, label: t('devices.noBusiness') },
        { value: 'unknown' as const, label: t('yesNo.unknown') },
      ],
    };
  }, [t]);
}
export type Choices = ReturnType<typeof useChoices>;
