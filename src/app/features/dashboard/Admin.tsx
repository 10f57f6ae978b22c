// Ward administration (ward_admin only): targets per year and settings, the register of tổ dân
// phố (edit or CSV import, with the server's per-line errors), and staff accounts. Every change
// is recorded by the server (who, when, old → new).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INDICATOR_CODES } from '../../../shared/domain/indicators.js';
import { ApiError, type RegisterGroup, type StaffRole, type TargetsByYear, type WardSettings } from './api.js';
import { useDashboard } from './context.js';
import { DashTable } from './DashTable.js';
import { formatDateTime, indicatorName, todayVietnam } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';
import { useErrorMessage } from './use-load.js';

type Status = { ok: boolean; text: string; lines?: string[] } | undefined;

function StatusLine({ status, testId }: { status: Status; testId: string }) {
  if (!status) return null;
  return (
    <div className={`banner ${status.ok ? 'banner--ok' : 'banner--error'}`} role={status.ok ? 'status' : 'alert'} data-testid={testId}>
      <div>
        {status.text}
        {status.lines?.length ? (
          <ul className="dash-lines">
            {status.lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

function Targets() {
  const { t, i18n } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const data = useWardLoad((a) => a.targets(), []);
  const [year, setYear] = useState(todayVietnam().slice(0, 4));
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<Status>();
  useEffect(() => {
    const current = data.data?.targets[year] ?? {};
    setDraft(Object.fromEntries(INDICATOR_CODES.map((c) => [c, current[c] === undefined ? '' : String(Math.round(current[c]! * 1000) / 10)])));
  }, [data.data, year]);

  const save = async () => {
    const next: TargetsByYear = { ...(data.data?.targets ?? {}) };
    const yearTargets: Record<string, number> = {};
    for (const code of INDICATOR_CODES) {
      const raw = (draft[code] ?? '').trim().replace(',', '.');
      if (raw === '') continue;
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0 || n > 100) {
        setStatus({ ok: false, text: t('dashboard.admin.targetInvalid', { name: indicatorName(code, i18n.language) }) });
        return;
      }
      yearTargets[code] = Math.round(n * 10) / 1000;
    }
    next[year] = yearTargets;
    try {
      await api.saveTargets(next);
      setStatus({ ok: true, text: t('dashboard.admin.saved') });
      data.reload();
    } catch (e) {
      setStatus({ ok: false, text: errorMessage(e) });
    }
  };

  const thisYear = Number(todayVietnam().slice(0, 4));
  const years = new Set([...Object.keys(data.data?.targets ?? {}), ...[0, 1, 2, 3, 4].map((d) => String(thisYear + d))]);
  return (
    <div className="dash-panel">
      <h3 id="dash-targets">{t('dashboard.admin.targetsTitle')}</h3>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      <div className="field">
        <label htmlFor="dash-target-year">{t('dashboard.filters.year')}</label>
        <select id="dash-target-year" value={year} onChange={(e) => setYear(e.target.value)}>
          {[...years].sort().map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <DashTable labelledBy="dash-targets" columns={[t('dashboard.breakdown.indicator'), t('dashboard.admin.targetPercent')]}>
        {INDICATOR_CODES.map((code) => (
          <tr key={code}>
            <th scope="row">
              <label htmlFor={`dash-target-${code}`}>{indicatorName(code, i18n.language)}</label>
            </th>
            <td>
              <input id={`dash-target-${code}`} type="text" inputMode="decimal" value={draft[code] ?? ''} onChange={(e) => setDraft({ ...draft, [code]: e.target.value })} />
            </td>
          </tr>
        ))}
      </DashTable>
      <p className="dash-hint">{t('dashboard.admin.targetHint')}</p>
      <button type="button" className="btn btn--primary" onClick={() => void save()}>
        {t('dashboard.admin.saveTargets', { year })}
      </button>
      <StatusLine status={status} testId="dash-targets-status" />
    </div>
  );
}

const SETTING_KEYS = ['adultAge', 'vneidMinAge', 'retentionMonths'] as const;

function Settings() {
  const { t } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const data = useWardLoad((a) => a.settings(), []);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<Status>();
  useEffect(() => {
    if (data.data) setDraft(Object.fromEntries(SETTING_KEYS.map((k) => [k, String(data.data!.settings[k])])));
  }, [data.data]);
  const save = async () => {
    const patch: Partial<WardSettings> = {};
    for (const k of SETTING_KEYS) {
      const n = Number(draft[k]);
      if (!Number.isInteger(n)) {
        setStatus({ ok: false, text: t('dashboard.admin.settingInvalid', { name: t(`dashboard.admin.setting_${k}`) }) });
        return;
      }
      patch[k] = n;
    }
    try {
      await api.saveSettings(patch);
      setStatus({ ok: true, text: t('dashboard.admin.saved') });
      data.reload();
    } catch (e) {
      setStatus({ ok: false, text: errorMessage(e) });
    }
  };
  return (
    <div className="dash-panel">
      <h3>{t('dashboard.admin.settingsTitle')}</h3>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {SETTING_KEYS.map((k) => (
        <div className="field" key={k}>
          <label htmlFor={`dash-setting-${k}`}>{t(`dashboard.admin.setting_${k}`)}</label>
          <input id={`dash-setting-${k}`} type="number" inputMode="numeric" value={draft[k] ?? ''} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} />
        </div>
      ))}
      <button type="button" className="btn btn--primary" onClick={() => void save()}>
        {t('dashboard.admin.saveSettings')}
      </button>
      <StatusLine status={status} testId="dash-settings-status" />
    </div>
  );
}

type GroupRow = { code: string; name: string; households: string };

function Register() {
  const { t } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const data = useWardLoad((a) => a.groups(), []);
  const [rows, setRows] = useState<GroupRow[]>([]);
  const [csv, setCsv] = useState('');
  const [status, setStatus] = useState<Status>();
  useEffect(() => {
    if (data.data) setRows(data.data.groups.map((g) => ({ code: g.code, name: g.name, households: String(g.householdsOnRegister) })));
  }, [data.data]);

  const failed = (e: unknown): Status => {
    if (e instanceof ApiError && Array.isArray(e.body.lines)) {
      const lines = (e.body.lines as { line: number; message: string }[]).map((l) => t('dashboard.admin.csvLine', { line: l.line, message: l.message }));
      return { ok: false, text: e.message, lines };
    }
    if (e instanceof ApiError && Array.isArray(e.body.groups)) return { ok: false, text: e.message, lines: (e.body.groups as string[]).map(String) };
    return { ok: false, text: errorMessage(e) };
  };

  const save = async () => {
    const groups: RegisterGroup[] = [];
    for (const [i, r] of rows.entries()) {
      const n = Number(r.households);
      if (!r.code.trim() || !r.name.trim() || !Number.isInteger(n) || n < 0) {
        setStatus({ ok: false, text: t('dashboard.admin.rowInvalid', { row: i + 1 }) });
        return;
      }
      groups.push({ code: r.code.trim(), name: r.name.trim(), householdsOnRegister: n });
    }
    try {
      await api.saveGroups(groups);
      setStatus({ ok: true, text: t('dashboard.admin.saved') });
      data.reload();
    } catch (e) {
      setStatus(failed(e));
    }
  };
  const importCsv = async () => {
    try {
      const r = await api.importGroups(csv);
      setStatus({ ok: true, text: t('dashboard.admin.imported', { count: r.groups.length }) });
      setCsv('');
      data.reload();
    } catch (e) {
      setStatus(failed(e));
    }
  };
  const set = (i: number, patch: Partial<GroupRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <div className="dash-panel">
      <h3 id="dash-register">{t('dashboard.admin.registerTitle')}</h3>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      <DashTable
        labelledBy="dash-register"
        columns={[t('dashboard.admin.groupCode'), t('dashboard.admin.groupName'), t('dashboard.overview.onRegister'), t('dashboard.devices.action')]}
      >
        {rows.map((r, i) => (
          <tr key={i}>
            <td>
              <input aria-label={`${t('dashboard.admin.groupCode')} ${i + 1}`} type="text" value={r.code} onChange={(e) => set(i, { code: e.target.value })} />
            </td>
            <td>
              <input aria-label={`${t('dashboard.admin.groupName')} ${i + 1}`} type="text" value={r.name} onChange={(e) => set(i, { name: e.target.value })} />
            </td>
            <td>
              <input aria-label={`${t('dashboard.overview.onRegister')} ${i + 1}`} type="number" inputMode="numeric" min={0} value={r.households} onChange={(e) => set(i, { households: e.target.value })} />
            </td>
            <td>
              <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                {t('dashboard.admin.removeRow')}
              </button>
            </td>
          </tr>
        ))}
      </DashTable>
      <div className="dash-actions">
        <button type="button" className="btn btn--add" onClick={() => setRows([...rows, { code: '', name: '', households: '0' }])}>
          {t('dashboard.admin.addRow')}
        </button>
        <button type="button" className="btn btn--primary" onClick={() => void save()}>
          {t('dashboard.admin.saveRegister')}
        </button>
      </div>
      <h4>{t('dashboard.admin.importTitle')}</h4>
      <p className="dash-hint">{t('dashboard.admin.importHint')}</p>
      <div className="field">
        <label htmlFor="dash-csv-file">{t('dashboard.admin.csvFile')}</label>
        <input id="dash-csv-file" type="file" accept=".csv,text/csv" onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)} />
      </div>
      <div className="field">
        <label htmlFor="dash-csv">{t('dashboard.admin.csvText')}</label>
        <textarea id="dash-csv" value={csv} onChange={(e) => setCsv(e.target.value)} placeholder="code,name,householdsOnRegister" data-testid="dash-csv" />
      </div>
      <button type="button" className="btn" disabled={!csv.trim()} onClick={() => void importCsv()} data-testid="dash-csv-import">
        {t('dashboard.admin.import')}
      </button>
      <StatusLine status={status} testId="dash-register-status" />
    </div>
  );
}

function Users() {
  const { t, i18n } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const data = useWardLoad((a) => a.users(), []);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<StaffRole>('ward_staff');
  const [resetFor, setResetFor] = useState<string>();
  const [newPassword, setNewPassword] = useState('');
  const [status, setStatus] = useState<Status>();

  const add = async () => {
    try {
      await api.addUser({ username: username.trim(), password, role });
      setStatus({ ok: true, text: t('dashboard.admin.userAdded', { user: username.trim() }) });
      setUsername('');
      setPassword('');
      data.reload();
    } catch (e) {
      setStatus({ ok: false, text: errorMessage(e) });
    }
  };
  const reset = async (id: string) => {
    try {
      await api.resetPassword(id, newPassword);
      setStatus({ ok: true, text: t('dashboard.admin.passwordReset') });
      setResetFor(undefined);
      setNewPassword('');
    } catch (e) {
      setStatus({ ok: false, text: errorMessage(e) });
    }
  };

  return (
    <div className="dash-panel">
      <h3 id="dash-users">{t('dashboard.admin.usersTitle')}</h3>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {data.data ? (
        <DashTable
          labelledBy="dash-users"
          columns={[t('dashboard.signIn.username'), t('dashboard.admin.role'), t('dashboard.admin.createdAt'), t('dashboard.devices.action')]}
        >
          {data.data.users.map((u) => (
            <tr key={u.id}>
              <th scope="row">{u.username}</th>
              <td className="dash-table__text">{t(`dashboard.role.${u.role}`)}</td>
              <td>{formatDateTime(u.createdAt)}</td>
              <td className="dash-table__text">
                {resetFor === u.id ? (
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      void reset(u.id);
                    }}
                  >
                    <div className="field">
                      <label htmlFor={`dash-reset-${u.id}`}>{t('dashboard.admin.newPassword')}</label>
                      <input id={`dash-reset-${u.id}`} type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
                    </div>
                    <button type="submit" className="btn btn--small btn--primary">
                      {t('dashboard.admin.resetPassword')}
                    </button>{' '}
                    <button type="button" className="btn btn--small" onClick={() => setResetFor(undefined)}>
                      {t('app.cancel')}
                    </button>
                  </form>
                ) : (
                  <button type="button" className="btn btn--small" onClick={() => setResetFor(u.id)}>
                    {t('dashboard.admin.resetPassword')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DashTable>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <h4>{t('dashboard.admin.addUser')}</h4>
        <div className="field">
          <label htmlFor="dash-new-user">{t('dashboard.signIn.username')}</label>
          <input id="dash-new-user" type="text" autoCapitalize="none" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
          <span className="dash-hint">{t('dashboard.admin.usernameHint')}</span>
        </div>
        <div className="field">
          <label htmlFor="dash-new-pass">{t('dashboard.signIn.password')}</label>
          <input id="dash-new-pass" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <span className="dash-hint">{t('dashboard.admin.passwordHint')}</span>
        </div>
        <div className="field">
          <label htmlFor="dash-new-role">{t('dashboard.admin.role')}</label>
          <select id="dash-new-role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
            <option value="ward_staff">{t('dashboard.role.ward_staff')}</option>
            <option value="ward_admin">{t('dashboard.role.ward_admin')}</option>
          </select>
        </div>
        <button type="submit" className="btn btn--primary">
          {t('dashboard.admin.addUser')}
        </button>
      </form>
      <StatusLine status={status} testId="dash-users-status" />
    </div>
  );
}

export default function Admin() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="dash-admin-title">
      <h2 id="dash-admin-title">{t('dashboard.tab.admin')}</h2>
      <Targets />
      <Settings />
      <Register />
      <Users />
    </section>
  );
}
