// The survey's first reads (its draft and the install id), started by boot.ts when the URL opens
// a survey, so they run while the screen's code loads instead of after it mounts. Small on
// purpose: no schema (zod) and no React, since boot.ts is part of the initial bundle.
import type { Draft } from '../../storage/db.js';
import { isUnlocked } from '../../security/lock-state.js';
import { readAppDb } from '../../storage/app-store.js';
import { getDraft } from '../../storage/drafts-repo.js';
import { getInstallId } from '../../storage/meta.js';

export interface SurveyReads {
  draft: Draft | undefined;
  /** Undefined on a blank phone whose database is not loaded yet (storage/app-store.ts): made with it. */
  installId: string | undefined;
}

const started = new Map<string, Promise<SurveyReads>>();

function read(draftId: string): Promise<SurveyReads> {
  return readAppDb<SurveyReads>(
    (db) => Promise.all([getDraft(db, draftId), getInstallId(db)]).then(([draft, installId]) => ({ draft, installId })),
    { draft: undefined, installId: undefined },
  );
}

export function preloadSurveyReads(draftId: string): void {
  // A locked phone's read has no form (security/at-rest.ts): the screen reads once unlocked.
  if (!isUnlocked()) return;
  if (!started.has(draftId)) started.set(draftId, read(draftId));
}

/** The preloaded reads for `draftId` (used once: a later mount reads afresh), or new reads. */
export function takeSurveyReads(draftId: string): Promise<SurveyReads> {
  const p = started.get(draftId);
  started.delete(draftId);
  return p ?? read(draftId);
}
