// The ward audit log as the dashboard sees it (GET …/audit, …/audit/verify; docs/api.md):
// the action names (each has a label in the dashboard's audit locales) and the answer shapes.
// The chain itself is the server's (src/server/services/audit.ts).

export type AuditAction =
  | 'household.view'
  | 'household.void'
  | 'households.list'
  | 'quality.view'
  | 'assistances.view'
  | 'follow_ups.view'
  | 'config.targets'
  | 'config.settings'
  | 'groups.update'
  | 'groups.import'
  | 'users.create'
  | 'users.reset_password'
  | 'enrolment_code.issue'
  | 'enrolment_code.revoke'
  | 'device.enrol'
  | 'device.signing_key'
  | 'rescue.import'
  | 'device.revoke'
  | 'device.retire'
  | 'device.lost'
  | 'records.transfer'
  | 'export.csv'
  | 'export.xlsx'
  | 'export.report'
  | 'export.assistances_csv'
  | 'export.assistances_xlsx'
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.password_change'
  | 'users.disable'
  | 'users.enable'
  | 'users.unlock'
  | 'data_subject.search'
  | 'data_subject.view'
  | 'data_subject.export'
  | 'data_subject.request'
  | 'data_subject.correct'
  | 'data_subject.erase'
  | 'data_subject.withdraw_consent'
  | 'retention.apply'
  | 'backup.create'
  | 'backup.restore'
  | 'audit.view'
  | 'audit.export'
  | 'city.rollup_view'
  | 'city.weekly_view'
  | 'city.ward_view'
  | 'city.ward_weekly_view'
  | 'city.export_csv'
  | 'city.export_xlsx'
  | 'city.export_report'
  | 'city.ward_export_csv'
  | 'city.audit_view';

/** Every action, for the viewer's filter and its labels (the UI has a label for each). */
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'auth.login',
  'auth.login_failed',
  'auth.password_change',
  'household.view',
  'household.void',
  'households.list',
  'quality.view',
  'assistances.view',
  'follow_ups.view',
  'config.targets',
  'config.settings',
  'groups.update',
  'groups.import',
  'users.create',
  'users.reset_password',
  'users.disable',
  'users.enable',
  'users.unlock',
  'enrolment_code.issue',
  'enrolment_code.revoke',
  'device.enrol',
  'device.signing_key',
  'rescue.import',
  'device.revoke',
  'device.retire',
  'device.lost',
  'records.transfer',
  'export.csv',
  'export.xlsx',
  'export.report',
  'export.assistances_csv',
  'export.assistances_xlsx',
  'data_subject.search',
  'data_subject.view',
  'data_subject.export',
  'data_subject.request',
  'data_subject.correct',
  'data_subject.erase',
  'data_subject.withdraw_consent',
  'retention.apply',
  'backup.create',
  'backup.restore',
  'audit.view',
  'audit.export',
  // City staff's reads, in the province's chain (issue 15).
  'city.rollup_view',
  'city.weekly_view',
  'city.ward_view',
  'city.ward_weekly_view',
  'city.export_csv',
  'city.export_xlsx',
  'city.export_report',
  'city.ward_export_csv',
  'city.audit_view',
];

export interface AuditEntry {
  id: string;
  seq: number | null;
  at: string;
  actorId: string;
  actorName: string;
  action: AuditAction;
  target: string | null;
  detail: unknown;
  ip: string | null;
  userAgent: string | null;
}

export interface ChainHead {
  wardCode: string;
  /** 0 and '' for a ward with no entry yet. */
  seq: number;
  hash: string;
}

export type ChainCheck =
  | { ok: true; entries: number; head: ChainHead }
  | {
      ok: false;
      entries: number;
      head: ChainHead;
      /** The first place where the chain does not hold (a changed, removed or inserted entry). */
      brokenAt: number;
      reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'unchained_rows';
    };

/** GET …/audit: one page, newest first. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as ?before= for the next (older) page; null on the last one. */
  nextBefore: number | null;
  /** Everyone who appears in the ward's log, for the actor filter. */
  actors: { actorId: string; actorName: string }[];
}
