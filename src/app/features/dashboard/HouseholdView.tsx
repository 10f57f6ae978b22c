// One household's latest record, read-only (the server writes each view to the audit log):
// address, visit, consent, devices and every member's answers, labelled as on the survey form.
// Names and phone numbers appear only here, never in tallies or exports. Ward staff can void
// a suspected duplicate with a reason (a new rev, audited).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { isErasedText } from '../../../shared/domain/personal-fields.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { labelFor } from '../survey/labels.js';
import { useDashboard, wardHref } from './context.js';
import { DashTable } from './DashTable.js';
import { formatDateTime } from './format.js';
import { useWardLoad } from './hooks.js';
import { LoadError } from './LoadError.js';
import { useErrorMessage } from './use-load.js';

type Row = { path: string; value: unknown };

function flatten(value: unknown, path: string, out: Row[]): Row[] {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) out.push({ path, value: value.join(', ') });
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, path ? `${path}.${k}` : k, out);
  } else out.push({ path, value });
  return out;
}

const ENUMS: [RegExp, string][] = [
  [/\.vneid$/, 'vneid'],
  [/\.skills\./, 'skillLevel'],
  [/\.sex$/, 'sex'],
  [/(consenterRelation|\.relation)$/, 'relation'],
  [/^outcome$/, 'outcome'],
];

function showValue(path: string, value: unknown, t: TFunction): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('yesNo.yes') : t('yesNo.no');
  if (isErasedText(value)) return t('personalData.erased');
  const s = String(value);
  for (const [re, ns] of ENUMS) if (re.test(path)) return t(`${ns}.${s}`, { defaultValue: s });
  if (s === 'yes' || s === 'no' || s === 'unknown') return t(`yesNo.${s}`);
  return s;
}

function label(path: string, t: TFunction): string {
  const l = labelFor(path, t);
  // labelFor answers the key itself for paths the survey form never names.
  if (!l || l.includes('.')) return path;
  // Inside a member's panel the "Thành viên N — " prefix is said by the heading already.
  return path.startsWith('members.') ? l.split(' — ').slice(1).join(' — ') || l : l;
}

function Fields({ rows, t }: { rows: Row[]; t: TFunction }) {
  return (
    <dl className="dash-kv">
      {rows.map((r) => (
        <div key={r.path} style={{ display: 'contents' }}>
          <dt>{label(r.path, t)}</dt>
          <dd>{showValue(r.path, r.value, t)}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function HouseholdView({ id }: { id: string }) {
  const { t } = useTranslation();
  const { api } = useDashboard();
  const errorMessage = useErrorMessage();
  const data = useWardLoad((a) => a.household(id), [id]);
  const [voiding, setVoiding] = useState(false);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string }>();

  const record = data.data?.record as { rev?: number; voided?: boolean; data?: Record<string, unknown> } | undefined;
  const body = record?.data ?? {};
  const { members, ...rest } = body as { members?: unknown[] } & Record<string, unknown>;
  const sections: [string, Row[]][] = [];
  const top = flatten(rest, '', []);
  for (const head of ['groupCode', 'address', 'outcome', 'note', 'consent', 'devices', 'payments']) {
    const rows = top.filter((r) => r.path === head || r.path.startsWith(`${head}.`));
    if (rows.length) sections.push([head, rows]);
  }
  const others = top.filter((r) => !sections.some(([, rows]) => rows.includes(r)));
  const voided = record?.voided === true || body.voided === true;

  const doVoid = async () => {
    setVoiding(false);
    try {
      await api.voidHousehold(id, reason.trim());
      setResult({ ok: true, text: t('dashboard.household.voided') });
      data.reload();
    } catch (e) {
      setResult({ ok: false, text: errorMessage(e) });
    }
  };

  return (
    <section aria-labelledby="dash-hh-title">
      <p className="dash-back">
        <a href={wardHref('quality')}>← {t('dashboard.household.back')}</a>
      </p>
      <h2 id="dash-hh-title">{t('dashboard.household.title')}</h2>
      <p className="dash-hint">{t('dashboard.household.privacy')}</p>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {result ? (
        <p className={`banner ${result.ok ? 'banner--ok' : 'banner--error'}`} role="status" data-testid="dash-void-result">
          {result.text}
        </p>
      ) : null}
      {data.data ? (
        <>
          <dl className="dash-kv">
            <dt>{t('dashboard.household.id')}</dt>
            <dd>{data.data.recordId}</dd>
            <dt>{t('dashboard.quality.rev')}</dt>
            <dd>{data.data.rev}</dd>
            <dt>{t('dashboard.household.status')}</dt>
            <dd>{voided ? <span className="badge badge--rejected">{t('dashboard.household.isVoided')}</span> : t('dashboard.household.active')}</dd>
          </dl>
          {sections.map(([head, rows]) => (
            <div className="dash-panel" key={head}>
              <h3>{t(`field.${head}`, { defaultValue: label(head, t) })}</h3>
              <Fields rows={rows} t={t} />
            </div>
          ))}
          {others.length ? (
            <div className="dash-panel">
              <h3>{t('dashboard.household.other')}</h3>
              <Fields rows={others} t={t} />
            </div>
          ) : null}
          {(members ?? []).map((m, i) => (
            <div className="dash-panel" key={i} data-testid="dash-member">
              <h3>{t('members.memberN', { n: i + 1 })}</h3>
              <Fields rows={flatten(m, `members.${i}`, []).filter((r) => !r.path.endsWith('.id'))} t={t} />
            </div>
          ))}
          <h3 id="dash-revs">{t('dashboard.household.revisions')}</h3>
          <DashTable labelledBy="dash-revs" columns={[t('dashboard.quality.rev'), t('dashboard.activity.volunteer'), t('dashboard.quality.receivedAt')]}>
            {data.data.revisions.map((r) => (
              <tr key={`${r.rev}-${r.receivedAt}`}>
                <th scope="row">{r.rev}</th>
                <td className="dash-table__text">{r.volunteerName ?? r.deviceId.slice(0, 8)}</td>
                <td>{formatDateTime(r.receivedAt)}</td>
              </tr>
            ))}
          </DashTable>
          {!voided ? (
            <div className="dash-panel">
              <h3>{t('dashboard.household.voidTitle')}</h3>
              <p className="dash-hint">{t('dashboard.household.voidHint')}</p>
              <button type="button" className="btn btn--danger-outline" onClick={() => setVoiding(true)} data-testid="dash-void">
                {t('dashboard.household.voidAction')}
              </button>
            </div>
          ) : null}
          <ConfirmDialog
            open={voiding}
            message={t('dashboard.household.voidConfirm')}
            confirmLabel={t('dashboard.household.voidAction')}
            confirmDisabled={reason.trim() === ''}
            onConfirm={() => void doVoid()}
            onCancel={() => setVoiding(false)}
            testId="dash-void-dialog"
          >
            <div className="field">
              <label htmlFor="dash-void-reason">{t('dashboard.household.voidReason')}</label>
              <input id="dash-void-reason" type="text" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="dash-void-reason" />
            </div>
          </ConfirmDialog>
        </>
      ) : data.loading ? (
        <p className="notice">{t('app.loading')}</p>
      ) : null}
    </section>
  );
}
