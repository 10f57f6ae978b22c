// Ward administration (ward_admin only): targets per year and settings, the register of tổ dân
// phố (edit or CSV import, with the server's per-line errors), and staff accounts. Every change
// is recorded by the server (who, when, old → new). What each panel checks and sends is in its
// module under admin/ (unit-tested without a browser); the load → draft → save steps they share
// are admin/panel.ts and admin/use-panel.ts. The components here only lay the panels out.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INDICATOR_CODES } from '../../../shared/domain/indicators.js';
import type { StaffRole } from './api.js';
import { valid, type Status } from './admin/panel.js';
import { blankRow, checkRegister, editRow, importedStatus, registerFailure, registerRows, removeRow, type GroupRow } from './admin/register.js';
import { checkSettings, SETTING_KEYS, settingsDraft, type SettingsDraft } from './admin/settings.js';
import { checkTargets, targetsDraft, targetYears, type TargetsDraft } from './admin/targets.js';
import { afterPasswordReset, afterUserAdded, checkNewUser, checkReset, EMPTY_USERS_DRAFT, PASSWORD_RESET, userAddedStatus } from './admin/users.js';
import { useAdminPanel } from './admin/use-panel.js';
import { DashTable } from './DashTable.js';
import { formatDateTime, formatNumber, indicatorName, todayVietnam } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';
import { say } from './messages.js';

function StatusLine({ status, testId }: { status: Status | undefined; testId: string }) {
  const { t } = useTranslation();
  if (!status) return null;
  return (
    <div className={`banner ${status.ok ? 'banner--ok' : 'banner--error'}`} role={status.ok ? 'status' : 'alert'} data-testid={testId}>
      <div>
        {say(t, status.text)}
        {status.lines?.length ? (
          <ul className="dash-lines">
            {status.lines.map((l) => say(t, l)).map((l) => (
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
  const [year, setYear] = useState(todayVietnam().slice(0, 4));
  const panel = useAdminPanel((a) => a.targets(), (d) => targetsDraft(d?.targets, year), {} as Partial<TargetsDraft>, [year]);
  const { data, draft } = panel;
  const save = () => panel.save(checkTargets(data.data?.targets, year, draft, i18n.language), (api, targets) => api.saveTargets(targets));

  return (
    <div className="dash-panel">
      <h3 id="dash-targets">{t('dashboard.admin.targetsTitle')}</h3>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      <div className="field">
        <label htmlFor="dash-target-year">{t('dashboard.filters.year')}</label>
        <select id="dash-target-year" value={year} onChange={(e) => setYear(e.target.value)}>
          {targetYears(data.data?.targets, Number(todayVietnam().slice(0, 4))).map((y) => (
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
              <input id={`dash-target-${code}`} type="text" inputMode="decimal" value={draft[code] ?? ''} onChange={(e) => panel.setDraft({ ...draft, [code]: e.target.value })} />
            </td>
          </tr>
        ))}
      </DashTable>
      <p className="dash-hint">{t('dashboard.admin.targetHint')}</p>
      <button type="button" className="btn btn--primary" onClick={() => void save()}>
        {t('dashboard.admin.saveTargets', { year })}
      </button>
      <StatusLine status={panel.status} testId="dash-targets-status" />
    </div>
  );
}

function Settings() {
  const { t } = useTranslation();
  const panel = useAdminPanel((a) => a.settings(), (d) => (d ? settingsDraft(d.settings) : undefined), {} as Partial<SettingsDraft>);
  const { data, draft } = panel;
  const save = () => panel.save(checkSettings(draft), (api, patch) => api.saveSettings(patch));
  return (
    <div className="dash-panel">
      <h3>{t('dashboard.admin.settingsTitle')}</h3>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {SETTING_KEYS.map((k) => (
        <div className="field" key={k}>
          <label htmlFor={`dash-setting-${k}`}>{t(`dashboard.admin.setting_${k}`)}</label>
          <input id={`dash-setting-${k}`} type="number" inputMode="numeric" value={draft[k] ?? ''} onChange={(e) => panel.setDraft({ ...draft, [k]: e.target.value })} />
        </div>
      ))}
      <button type="button" className="btn btn--primary" onClick={() => void save()}>
        {t('dashboard.admin.saveSettings')}
      </button>
      <StatusLine status={panel.status} testId="dash-settings-status" />
    </div>
  );
}

function Register() {
  const { t } = useTranslation();
  const panel = useAdminPanel((a) => a.groups(), (d) => (d ? registerRows(d.groups) : undefined), [] as GroupRow[]);
  const { data, draft: rows, setDraft: setRows } = panel;
  const [csv, setCsv] = useState('');
  const save = () => panel.save(checkRegister(rows), (api, groups) => api.saveGroups(groups), undefined, registerFailure);
  const importCsv = async () => {
    if (await panel.save(valid(csv), (api, text) => api.importGroups(text), importedStatus, registerFailure)) setCsv('');
  };

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
              <input aria-label={`${t('dashboard.admin.groupCode')} ${i + 1}`} type="text" value={r.code} onChange={(e) => setRows(editRow(rows, i, { code: e.target.value }))} />
            </td>
            <td>
              <input aria-label={`${t('dashboard.admin.groupName')} ${i + 1}`} type="text" value={r.name} onChange={(e) => setRows(editRow(rows, i, { name: e.target.value }))} />
            </td>
            <td>
              <input
                aria-label={`${t('dashboard.overview.onRegister')} ${i + 1}`}
                type="number"
                inputMode="numeric"
                min={0}
                value={r.households}
                onChange={(e) => setRows(editRow(rows, i, { households: e.target.value }))}
              />
            </td>
            <td>
              <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setRows(removeRow(rows, i))}>
                {t('dashboard.admin.removeRow')}
              </button>
            </td>
          </tr>
        ))}
      </DashTable>
      <div className="dash-actions">
        <button type="button" className="btn btn--add" onClick={() => setRows([...rows, blankRow()])}>
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
      <StatusLine status={panel.status} testId="dash-register-status" />
    </div>
  );
}

function Users() {
  const { t } = useTranslation();
  const panel = useAdminPanel((a) => a.users(), () => undefined, EMPTY_USERS_DRAFT);
  const { data, draft, setDraft } = panel;
  const edit = (patch: Partial<typeof draft>) => setDraft({ ...draft, ...patch });
  const add = async () => {
    if (await panel.save(checkNewUser(draft), (api, user) => api.addUser(user), userAddedStatus)) setDraft(afterUserAdded);
  };
  const reset = async (id: string) => {
    if (await panel.save(checkReset(draft, id), (api, r) => api.resetPassword(r.id, r.password), () => PASSWORD_RESET, undefined, { reload: false })) setDraft(afterPasswordReset);
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
                {draft.resetFor === u.id ? (
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      void reset(u.id);
                    }}
                  >
                    <div className="field">
                      <label htmlFor={`dash-reset-${u.id}`}>{t('dashboard.admin.newPassword')}</label>
                      <input id={`dash-reset-${u.id}`} type="password" autoComplete="new-password" value={draft.newPassword} onChange={(e) => edit({ newPassword: e.target.value })} />
                    </div>
                    <button type="submit" className="btn btn--small btn--primary">
                      {t('dashboard.admin.resetPassword')}
                    </button>{' '}
                    <button type="button" className="btn btn--small" onClick={() => edit({ resetFor: undefined })}>
                      {t('app.cancel')}
                    </button>
                  </form>
                ) : (
                  <button type="button" className="btn btn--small" onClick={() => edit({ resetFor: u.id })}>
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
          <input id="dash-new-user" type="text" autoCapitalize="none" autoComplete="off" value={draft.username} onChange={(e) => edit({ username: e.target.value })} />
          <span className="dash-hint">{t('dashboard.admin.usernameHint')}</span>
        </div>
        <div className="field">
          <label htmlFor="dash-new-pass">{t('dashboard.signIn.password')}</label>
          <input id="dash-new-pass" type="password" autoComplete="new-password" value={draft.password} onChange={(e) => edit({ password: e.target.value })} />
          <span className="dash-hint">{t('dashboard.admin.passwordHint')}</span>
        </div>
        <div className="field">
          <label htmlFor="dash-new-role">{t('dashboard.admin.role')}</label>
          <select id="dash-new-role" value={draft.role} onChange={(e) => edit({ role: e.target.value as StaffRole })}>
            <option value="ward_staff">{t('dashboard.role.ward_staff')}</option>
            <option value="ward_admin">{t('dashboard.role.ward_admin')}</option>
          </select>
        </div>
        <button type="submit" className="btn btn--primary">
          {t('dashboard.admin.addUser')}
        </button>
      </form>
      <StatusLine status={panel.status} testId="dash-users-status" />
    </div>
  );
}

/** A backup older than this is called stale: a daily timer has missed a run. */
const BACKUP_STALE_SECONDS = 48 * 3600;

function Backups() {
  const { t, i18n } = useTranslation();
  const data = useWardLoad((api) => api.backups(), []);
  const last = data.data?.lastSuccess;
  const failure = data.data?.lastFailure;
  const stale = last ? last.ageSeconds > BACKUP_STALE_SECONDS : false;
  return (
    <div className="dash-panel" data-testid="dash-backups">
      <h3 id="dash-backups">{t('dashboard.admin.backupsTitle')}</h3>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {data.data ? (
        <>
          {last ? (
            <div className={`banner ${stale ? 'banner--error' : 'banner--ok'}`} role="status">
              {t('dashboard.admin.backupLast', {
                at: formatDateTime(last.at),
                kind: t(`dashboard.admin.backupKind.${last.kind}`),
                size: formatNumber(Math.max(1, Math.round(last.sizeBytes / 1024)), i18n.language),
              })}
              {stale ? ` ${t('dashboard.admin.backupStale')}` : ''}
            </div>
          ) : (
            <div className="banner banner--error" role="alert">
              {t('dashboard.admin.backupNone')}
            </div>
          )}
          {failure ? (
            <div className="banner banner--error" role="alert">
              {t('dashboard.admin.backupFailed', { at: formatDateTime(failure.at), kind: t(`dashboard.admin.backupKind.${failure.kind}`), error: failure.error })}
            </div>
          ) : null}
          <p className="dash-hint">{t('dashboard.admin.backupHint')}</p>
        </>
      ) : null}
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
      <Backups />
    </section>
  );
}
