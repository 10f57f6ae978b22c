// The lock in front of every phone screen (App renders it instead of the screen when needed):
// - no PIN yet: a blank phone shows Home, and the new-household survey opens at once (its first
//   question must come quickly on a first visit, issue 13); any other screen — the saved record
//   the first save opens, the enrolment — asks for the PIN first, so it is set at the first save
//   or enrolment, whichever comes first, and Home asks at once on a phone that holds data or an
//   enrolment (a phone updated from a build without the lock). Setting it encrypts what the phone
//   holds, the first survey's draft included;
// - locked (every start, 10 idle minutes, the "Khoá máy" button): the unlock screen, with the
//   growing waits after wrong PINs and "Quên mã PIN?";
// - a wipe waiting for the outbox (10 wrong PINs, or a forgotten PIN): how many records still
//   wait; the wipe happens when they have gone, then a new PIN is set.
// Screens never render while locked, so nothing shows rows without their personal parts.
import { lazy, startTransition, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { loadAllLocales } from '../../i18n/index.js';
import { watchIdle } from '../../security/idle.js';
import { appLock, type Keyring } from '../../security/lock-state.js';
import { loadAppDb, loadedAppDb } from '../../storage/app-store.js';
import type { GoCuaDb } from '../../storage/db.js';
import { useLiveRead } from '../../ui/use-live-read.js';
import { loadLockScreens, lockStarted, phoneHoldsData, startLock } from './lock-boot.js';

// The screens and their cryptography load when one is due (the first visit's survey never needs
// them); a locked start asks for them at once (lock-boot.ts).
const loadScreens = loadLockScreens;
const SetupScreen = lazy(() => loadScreens().then((m) => ({ default: m.SetupScreen })));
const UnlockScreen = lazy(() => loadScreens().then((m) => ({ default: m.UnlockScreen })));

export interface LockGateProps {
  /** Whether the current screen shows on a phone with no PIN: never, only while it holds no data (Home), or always (a new survey). */
  openWithoutPin: 'never' | 'when_empty' | 'always';
  children: ReactNode;
  /** Tests give their own; the app's is loaded lazily (storage/app-store.ts). */
  db?: GoCuaDb;
  keyring?: Keyring;
}

export function LockGate({ openWithoutPin, children, db: givenDb, keyring = appLock }: LockGateProps) {
  const { t } = useTranslation();
  // Started by boot.ts before React: on a warm start it has usually finished by the first render.
  const [ready, setReady] = useState(lockStarted);
  const status = useSyncExternalStore(
    (cb) => keyring.subscribe(cb),
    () => keyring.status,
  );
  useEffect(() => {
    let live = true;
    // A transition: should the screen's code still be on its way, React keeps this gate's notice
    // up until it arrives rather than committing the Suspense fallback, whose reveal React then
    // holds back for 300 ms (its fallback throttle) — on a blank phone the gate is ready that soon.
    void startLock(givenDb ?? null, keyring).then(() => live && startTransition(() => setReady(true)));
    return () => {
      live = false;
    };
  }, [givenDb, keyring]);
  // Ten minutes without a touch or a key lock the phone.
  useEffect(() => (status === 'unlocked' ? watchIdle({ onIdle: () => keyring.lock() }) : undefined), [status, keyring]);
  // A blank phone holds nothing until the database is loaded (storage/app-store.ts).
  const holdsData = useLiveRead(phoneHoldsData, false, [], givenDb);

  // The lock's strings are not in the first download (i18n/index.ts): fetched the moment a lock
  // screen is due (the phone's own cache serves them offline).
  const openNow = openWithoutPin === 'always' || (openWithoutPin === 'when_empty' && holdsData === false);
  // Not while Home is still finding out whether the phone holds data (a blank phone shows Home).
  const undecided = status === 'no_pin' && openWithoutPin === 'when_empty' && holdsData === undefined;
  const lockScreenDue = ready && status !== 'unlocked' && !(status === 'no_pin' && openNow) && !undecided;
  const [stringsReady, setStringsReady] = useState(false);
  useEffect(() => {
    if (!lockScreenDue || stringsReady) return;
    let live = true;
    // The screen's code comes with them, in parallel (and the database, not loaded yet on a blank phone).
    void Promise.all([loadAllLocales(), loadScreens(), givenDb ?? loadAppDb()])
      .catch(() => undefined)
      .then(() => live && setStringsReady(true));
    return () => {
      live = false;
    };
  }, [lockScreenDue, stringsReady, givenDb]);

  if (!ready) return <p className="notice">{t('app.loading')}</p>;
  if (status === 'unlocked') return <>{children}</>;
  if (status === 'no_pin' && openNow) return <>{children}</>;
  // Home still finding out whether the phone holds data, or the lock screen's code, strings or
  // database still on their way.
  const db = givenDb ?? loadedAppDb();
  if (!lockScreenDue || !stringsReady || !db) return <p className="notice">{t('app.loading')}</p>;
  if (status === 'no_pin') return <SetupScreen db={db} keyring={keyring} />;
  return <UnlockScreen db={db} keyring={keyring} />;
}

/** "Khoá máy": for the top bar, shown while unlocked. */
export function LockNowButton({ keyring = appLock }: { keyring?: Keyring }) {
  const { t } = useTranslation();
  const status = useSyncExternalStore(
    (cb) => keyring.subscribe(cb),
    () => keyring.status,
  );
  if (status !== 'unlocked') return null;
  return (
    <button type="button" className="btn btn--small topbar__lock" onClick={() => keyring.lock()} data-testid="lock-now">
      {t('lock.unlock.lockNow')}
    </button>
  );
}

