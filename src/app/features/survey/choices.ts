// Answer lists for the survey's questions, translated, memoised per language (`t` changes with
// the language) so the memoised inputs do not re-render on every keystroke. Each list is made the
// first time a step reads it: the first step (the address) reads none, and a first visit's first
// question does not wait for some forty translations it does not show (issue 13).
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { CONSENT_METHODS, HELP_TOPICS, RELATIONS, SEXES } from '../../../shared/schema/household-constants.js';
import type { Choice } from '../../ui/ChoiceGroup.js';

function makers(t: TFunction) {
  return {
    yesNo: (): Choice<'yes' | 'no' | 'unknown'>[] => (['yes', 'no', 'unknown'] as const).map((v) => ({ value: v, label: t(`yesNo.${v}`) })),
    outcome: () => (['surveyed', 'not_home', 'refused'] as const).map((v) => ({ value: v, label: t(`outcome.${v}`) })),
    relation: () => RELATIONS.map((v) => ({ value: v, label: t(`relation.${v}`) })),
    sex: () => SEXES.map((v) => ({ value: v, label: t(`sex.${v}`) })),
    method: () => CONSENT_METHODS.map((v) => ({ value: v, label: t(`consent.method_${v}`) })),
    vneid: () => (['none', 'level1', 'level2', 'unknown'] as const).map((v) => ({ value: v, label: t(`vneid.${v}`) })),
    skill: () => (['proficient', 'needs_help', 'none', 'unknown'] as const).map((v) => ({ value: v, label: t(`skillLevel.${v}`) })),
    helpTopics: () => HELP_TOPICS.map((v) => ({ value: v, label: t(`members.help_${v}`) })),
    qr: () => [
      { value: 'yes' as const, label: t('yesNo.yes') },
      { value: 'no' as const, label: t('yesNo.no') },
      { value: 'no_business' as const, label: t('devices.noBusiness') },
      { value: 'unknown' as const, label: t('yesNo.unknown') },
    ],
  };
}

type Lists = { readonly [K in keyof ReturnType<typeof makers>]: ReturnType<ReturnType<typeof makers>[K]> };

/** The lists for `t`, each made once, when first read. */
export function choicesFor(t: TFunction): Lists {
  const make = makers(t);
  const lists = {} as Lists;
  for (const key of Object.keys(make) as (keyof Lists)[]) {
    let list: Lists[typeof key] | undefined;
    Object.defineProperty(lists, key, { enumerable: true, get: () => (list ??= make[key]() as Lists[typeof key]) });
  }
  return lists;
}

export function useChoices(): Lists {
  const { t } = useTranslation();
  return useMemo(() => choicesFor(t), [t]);
}
export type Choices = Lists;
