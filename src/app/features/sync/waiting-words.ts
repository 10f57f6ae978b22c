// Counts named by kind, in the interface language: "2 hộ, 3 lượt hỗ trợ" (storage/waiting.ts
// holds the one definition of what is waiting).
import type { TFunction } from 'i18next';
import type { WaitingKind } from '../../storage/waiting.js';

const ORDER: readonly WaitingKind[] = ['household', 'assistance'];

export function kindWords(t: TFunction, byKind: Partial<Record<string, number>>): string {
  return ORDER.filter((k) => (byKind[k] ?? 0) > 0)
    .map((k) => t(`sync.kind.${k}`, { count: byKind[k] }))
    .join(', ');
}
