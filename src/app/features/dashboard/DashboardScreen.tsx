// The ward staff dashboard (lazy-loaded at #/ward…, never on a volunteer's first load): sign-in,
// then overview, breakdowns, trend, team activity, data quality, assistance, the team's
// follow-ups, exports and administration.
// Online only: the figures live on the ward server, nothing is cached on the (shared) PC.
import { lazy, Suspense, useCallback, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useOnline } from '../../ui/online.js';
import { isCitySession, loadSession, logout, saveSession, wardApi, type AnySession } from './api.js';
import { DashboardContext, wardHref, type Filters } from './context.js';
import { todayVietnam } from './format.js';
import { Overview } from './Overview.js';
import { SignIn } from './SignIn.js';
import { ChangePassword } from './ChangePassword.js';
import './dashboard.css';

const Breakdowns = lazy(() => import('./Breakdowns.js'));
const Trend = lazy(() => import('./Trend.js'));
const Activity = lazy(() => import('./Activity.js'));
const Quality = lazy(() => import('./Quality.js'));
const HouseholdView = lazy(() => import('./HouseholdView.js'));
const Exports = lazy(() => import('./Exports.js'));
const Admin = lazy(() => import('./Admin.js'));
const Devices = lazy(() => import('./Devices.js'));
const Rescue = lazy(() => import('./Rescue.js'));
const Assistance = lazy(() => import('./Assistance.js'));
const FollowUps = lazy(() => import('./FollowUps.js'));
const Privacy = lazy(() => import('./privacy/Privacy.js'));
const AuditLog = lazy(() => import('./audit/AuditLog.js'));
// City staff (issue 15): the province roll-up, its own chunk.
const CityScreen = lazy(() => import('./city/CityScreen.js'));

export interface DashboardScreenProps {
  /** The path after #/ward, e.g. ['quality'] or ['household', '<id>']. */
  sub: string[];
}

const TABS = ['overview', 'breakdown', 'trend', 'activity', 'quality', 'assist', 'followups', 'export', 'devices', 'rescue', 'audit', 'privacy', 'admin'] as const;

export default function DashboardScreen({ sub }: DashboardScreenProps) {
  const { t, i18n } = useTranslation();
  const online = useOnline();
  const [session, setSession] = useState<AnySession | null>(() => loadSession());
  const [expired, setExpired] = useState(false);
  const [filters, setFilters] = useState<Filters>(() => ({ group: '', year: todayVietnam().slice(0, 4), asOf: '' }));
  const lang = i18n.language === 'en' ? 'en' : 'vi';

  const endSession = useCallback(() => {
    saveSession(null);
    setSession(null);
    setExpired(true);
  }, []);
  const signOut = () => {
    if (session) void logout(session, lang);
    saveSession(null);
    setSession(null);
    setExpired(false);
  };
  const api = useMemo(() => (session && !isCitySession(session) ? wardApi(session, lang) : null), [session, lang]);

  const offline = !online ? (
    <p className="banner banner--error" role="alert" data-testid="dash-offline">
      {t('dashboard.offline')}
    </p>
  ) : null;

  if (!session) {
    return (
      <div className="dash dash--narrow">
        {offline}
        {expired ? <p className="notice" role="status">{t('dashboard.sessionEnded')}</p> : null}
        <SignIn
          onSignedIn={(s) => {
            saveSession(s);
            setSession(s);
            setExpired(false);
          }}
        />
      </div>
    );
  }

  if (session.mustChangePassword) {
    return (
      <div className="dash dash--narrow">
        {offline}
        <ChangePassword
          session={session}
          onChanged={() => {
            const s = { ...session, mustChangePassword: false };
            saveSession(s);
            setSession(s);
          }}
          onSignOut={signOut}
          onExpired={endSession}
        />
      </div>
    );
  }

  // A city account: the roll-up of its province's wards, never a ward's own screens.
  if (isCitySession(session)) {
    return (
      <div className="dash">
        {offline}
        <Suspense fallback={<p className="notice">{t('app.loading')}</p>}>
          <CityScreen session={session} sub={sub} onSignOut={signOut} onExpired={endSession} />
        </Suspense>
      </div>
    );
  }
  if (!api) return null;

  const tab = sub[0] ?? 'overview';
  let content: ReactNode;
  switch (tab) {
    case 'breakdown':
      content = <Breakdowns />;
      break;
    case 'trend':
      content = <Trend />;
      break;
    case 'activity':
      content = <Activity />;
      break;
    case 'quality':
      content = <Quality />;
      break;
    case 'household':
      content = sub[1] ? <HouseholdView key={sub[1]} id={sub[1]} /> : <Quality />;
      break;
    case 'assist':
      content = <Assistance />;
      break;
    case 'followups':
      content = <FollowUps />;
      break;
    case 'export':
      content = <Exports />;
      break;
    case 'devices':
      content = <Devices />;
      break;
    case 'rescue':
      content = <Rescue />;
      break;
    case 'privacy':
      content = <Privacy />;
      break;
    case 'admin':
      content = session.role === 'ward_admin' ? <Admin /> : <p className="notice">{t('dashboard.adminOnly')}</p>;
      break;
    case 'audit':
      content = session.role === 'ward_admin' ? <AuditLog /> : <p className="notice">{t('dashboard.adminOnly')}</p>;
      break;
    default:
      content = <Overview />;
  }
  // Administration, the audit log and personal-data requests: ward admins only.
  const tabs = TABS.filter((x) => (x !== 'admin' && x !== 'audit' && x !== 'privacy') || session.role === 'ward_admin');
  const current = tab === 'household' ? 'quality' : tab;

  return (
    <DashboardContext.Provider value={{ session, api, filters, setFilters, endSession }}>
      <div className="dash">
        {offline}
        <div className="dash__bar">
          <p className="dash__who" data-testid="dash-who">
            {t('dashboard.signedInAs', { user: session.username, ward: session.wardCode })}{' '}
            <span className="badge">{t(`dashboard.role.${session.role}`)}</span>
          </p>
          <button type="button" className="btn btn--small" onClick={signOut} data-testid="dash-sign-out">
            {t('dashboard.signOut')}
          </button>
        </div>
        <nav className="dash__tabs" aria-label={t('dashboard.nav')}>
          {tabs.map((x) => (
            <a key={x} href={wardHref(...(x === 'overview' ? [] : [x]))} className="dash__tab" aria-current={x === current ? 'page' : undefined} data-testid={`dash-tab-${x}`}>
              {t(`dashboard.tab.${x}`)}
            </a>
          ))}
        </nav>
        <Suspense fallback={<p className="notice">{t('app.loading')}</p>}>{content}</Suspense>
      </div>
    </DashboardContext.Provider>
  );
}
