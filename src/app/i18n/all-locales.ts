// Every interface string of the volunteer's app, in both languages: loaded right after the first
// question is on screen (i18n/index.ts). The first screens' own strings (first.generated.ts)
// are in the first download.
import { en } from './locales/en.js';
import { vi } from './locales/vi.js';
import { syncEn, syncVi } from '../sync/locales.js';
import { assistEn, assistVi } from '../features/assistance/locales.js';
import { lockEn, lockVi } from '../features/lock/locales.js';
import { wipedEn, wipedVi } from '../features/wiped/locales.js';
import { rescueEn, rescueVi } from '../features/rescue/locales.js';

export const allVi = { ...vi, ...syncVi, ...assistVi, ...lockVi, ...wipedVi, ...rescueVi };
export const allEn = { ...en, ...syncEn, ...assistEn, ...lockEn, ...wipedEn, ...rescueEn };
