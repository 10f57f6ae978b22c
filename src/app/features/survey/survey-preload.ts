// The survey's first reads (its draft and the install id), started by boot.ts when the URL opens
// a survey, so they run while the screen's code loads instead of after it mounts. Small on
// purpose: no schema (zod) and no React, since boot.ts is part of the initial bundle.
import type { Draft } from '../../storage/db.js';
import { lockStatus } from '../../security/lock-state.js';
import { readAppDb } from '../../storage/app-store.js';
import { getDraft } from '../../storage/drafts-repo.js';
import { getInstallId } from '../../storage/meta.js';

export interface SurveyReads {
  draft: Draft | undefined;
  /** Undefined on a blank phone whose database is not loaded yet (storage/app-store.ts): made with it. */
  installId: string | undefined;
}

const started = new Map<string, Promise<SurveyReads>>();
/** The preloaded reads that have come back, for a first render that need not wait for them. */
const settled = new Map<string, SurveyReads>();

function read(draftId: string): Promise<SurveyReads> {
  return readAppDb<SurveyReads>(
    (db) => Promise.all([getDraft(db, draftId), getInstallId(db)]).then(([draft, installId]) => ({ draft, installId })),
    { draft: undefined, installId: undefined },
  );
}

let closed = false;

/**
 * The first screen has rendered (App): a survey mounted from now on reads afresh, never a read
 * from the start of the page (it could predate the draft's later saves).
 */
export function dropSurveyReads(): void {
  closed = true;
  started.clear();
  settled.clear();
}

/** Starts the reads for `draftId` (unless the phone is locked); resolves when they are in, whichever way. */
export function preloadSurveyReads(draftId: string): Promise<unknown> {
  if (closed) return Promise.resolve();
  // A locked phone's read has no form (security/at-rest.ts): the screen reads once unlocked. A
  // phone without a PIN reads in clear (boot.ts asks once the lock's state is known).
  if (lockStatus() === 'locked') return Promise.resolve();
  const already = started.get(draftId);
  if (already) return already.catch(() => undefined);
  const reads = read(draftId);
  started.set(draftId, reads);
  return reads.then(
    (r) => {
      if (started.get(draftId) === reads) settled.set(draftId, r);
    },
    () => undefined,
  );
}

/**
 * The preloaded reads for `draftId` if they are already in (without taking them): the screen's
 * first render shows the step at once instead of a "loading" render, commit and layout first
 * (a first visit's new survey at 4× CPU, issue 13).
 */
export function settledSurveyReads(draftId: string): SurveyReads | undefined {
  return settled.get(draftId);
}

/** The preloaded reads for `draftId` (used once: a later mount reads afresh), or new reads. */
export function takeSurveyReads(draftId: string): Promise<SurveyReads> {
  const p = started.get(draftId);
  started.delete(draftId);
  settled.delete(draftId);
  return p ?? read(draftId);
}
