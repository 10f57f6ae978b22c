// Table shapes of the ward endpoint's database, as Kysely sees them. The same tables exist on
// SQLite and PostgreSQL (db/migrations). Portable choices, so one query layer serves both:
// timestamps are ISO 8601 text (UTC, sortable), booleans are integers 0/1 (SUM() counts them),
// ids are text UUIDs (no autoincrement, which differs between the two).
export interface WardsTable {
  code: string;
  name: string;
  province_code: string;
  province_name: string;
  /** The validated ward configuration (WardConfig) as JSON text. */
  config_json: string;
  created_at: string;
}

export interface WardGroupsTable {
  ward_code: string;
  code: string;
  name: string;
  households_on_register: number;
}

export type WardRole = 'ward_staff' | 'ward_admin';
/** Province-scoped: read the roll-up of the province's wards; city_admin also reads the province audit log. */
export type CityRole = 'city_staff' | 'city_admin';
export type UserRole = WardRole | CityRole;
export const CITY_ROLES: readonly CityRole[] = ['city_staff', 'city_admin'];
export const isCityRole = (role: string): role is CityRole => role === 'city_staff' || role === 'city_admin';

export interface UsersTable {
  id: string;
  /** The ward of a ward account; null for a province account (migration 20261203T112000-city-staff). */
  ward_code: string | null;
  /** The province (administrative code, e.g. "31") of a city account; null for a ward account. */
  province_code: string | null;
  username: string;
  /** scrypt$N$r$p$salt$hash (base64url); never the password. */
  password_hash: string;
  role: UserRole;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionsTable {
  /** sha256 of the session token (base64url); the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  /** Last request of the session (written at most once a minute); idle 30 minutes → ended. */
  last_used_at: string | null;
  /** 1: the password failed the policy at sign-in; only changing it is allowed. */
  must_change_password: number;
}

/** Failed sign-ins of one account from one client IP (the lockout: services/accounts.ts). */
export interface LoginFailuresTable {
  user_id: string;
  ip: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

export interface DevicesTable {
  id: string;
  ward_code: string;
  volunteer_name: string;
  /** sha256 of the device token (base64url). */
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
  last_seen_at: string | null;
  /** How it was revoked (set with revoked_at): 'retired' drains then wipes, 'lost' wipes at once. */
  revoke_kind: 'retired' | 'lost' | null;
  /** Records waiting in the phone's outbox at its last contact (null: never reported). */
  waiting_count: number | null;
  /** The last request from this device (any answer, a lost phone's refused call included). */
  last_contact_at: string | null;
  /** The device's public signing key (P-256 point, base64url) for rescue files; null until registered. */
  signing_key: string | null;
  /** When it was registered. */
  signing_key_at: string | null;
}

export interface EnrolmentCodesTable {
  /** Names the code in lists and for revoking (the code itself is never stored). */
  id: string;
  /** HMAC-SHA-256 of the normalised code under the server's key (services/enrolment-codes.ts). */
  code_hash: string;
  ward_code: string;
  uses_left: number;
  uses_total: number;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** Username of the staff member who issued it; null from the admin CLI. */
  issued_by: string | null;
}

/** Every revision of every record, whole, as received. The history and the source of truth. */
export interface RecordRevisionsTable {
  record_id: string;
  rev: number;
  ward_code: string;
  kind: string;
  schema_version: number;
  /** The record (envelope + data) as JSON text, as the phone sent it. */
  body: string;
  /**
   * sha256 of `body` (base64url). Equal hashes mean a retry for certain; different hashes are
   * settled by comparing the contents as canonical JSON (services/canonical-json.ts), so the
   * common case (a new record) never pays for canonicalisation.
   */
  content_hash: string;
  device_id: string;
  batch_id: string;
  client_updated_at: string;
  received_at: string;
  /**
   * When retention (services/retention.ts) erased the personal fields of `body` (then
   * `content_hash` is the erased body's); null while the body is as received.
   */
  personal_erased_at: string | null;
  /**
   * The schemaVersion of the record as the phone sent it; `body` is stored migrated to the
   * current version (`schema_version`). Null for a rev the server wrote (a staff change) and for
   * revs stored before migration 20261203T114000-record-versions.
   */
  received_schema_version: number | null;
}

/** A revision that collided with a stored one (same id and rev, other content), kept for review. */
export interface ConflictsTable {
  id: string;
  record_id: string;
  rev: number;
  ward_code: string;
  device_id: string;
  batch_id: string;
  body: string;
  content_hash: string;
  received_at: string;
  /** As on record_revisions: when retention erased the personal fields of `body`. */
  personal_erased_at: string | null;
  /** As on record_revisions: the version the phone sent (`body` is stored migrated). */
  received_schema_version: number | null;
}

/** The latest revision of each household, flattened for the dashboard's SQL. */
export interface HouseholdsTable {
  record_id: string;
  rev: number;
  ward_code: string;
  group_code: string;
  outcome: string;
  voided: number;
  practice: number;
  surveyed_at: string;
  device_id: string;
  received_at: string;
  client_updated_at: string;
  member_count: number;
  consent_notice_version: string | null;
  smartphones: number | null;
  computer_or_tablet: string | null;
  fixed_broadband: string | null;
  fibre: string | null;
  wifi: string | null;
  bills_cashless: string | null;
  business_accepts_qr: string | null;
}

/** One row per member of the latest revision of each household (rewritten on each new rev). */
export interface MembersTable {
  record_id: string;
  member_id: string;
  position: number;
  ward_code: string;
  group_code: string;
  outcome: string;
  voided: number;
  practice: number;
  surveyed_at: string;
  device_id: string;
  received_at: string;
  relation: string;
  birth_year: number;
  /** Whole years on the survey date (domain/age.ts). */
  age: number;
  sex: string;
  has_cccd: number;
  has_phone: number;
  vneid: string;
  ehr: string;
  ds_health: string;
  ds_education: string;
  ds_insurance: string;
  ds_transport: string;
  owns_smartphone: string | null;
  used_internet_3m: string | null;
  skill_public_services: string | null;
  skill_shopping: string | null;
  skill_payments: string | null;
  skill_safety: string | null;
  skill_local_platforms: string | null;
  bank_account: string | null;
  cashless_30d: string | null;
  digital_signature: string | null;
  online_public_service_12m: string | null;
  city_app: string | null;
  /** JSON array of help topics ([] when none). */
  wants_help: string;
}

/** One backup run, good or failed (migration 20261203T110500-backup-runs, services/backup.ts). */
export interface BackupRunsTable {
  id: string;
  kind: 'manual' | 'scheduled' | 'pre_migration';
  started_at: string;
  finished_at: string;
  /** 1 when the file was written and checked; 0 on failure. */
  ok: number;
  /** int8: a string from PostgreSQL. */
  size_bytes: number | string | null;
  file: string | null;
  encryption: 'passphrase' | 'recipient' | 'none' | null;
  error: string | null;
}

export interface ServerMetaTable {
  key: string;
  value: string;
}

/** Ward dashboard audit log (migration 20261124T030000-dashboard). */
export interface AuditLogTable {
  id: string;
  ward_code: string;
  at: string;
  /** users.id of the staff member. */
  actor_id: string;
  actor_name: string;
  action: string;
  target: string | null;
  /** JSON: what changed (old → new), the filters of an export, … */
  detail: string;
  /** Place in the ward's chain, from 1 (migration 20261203T103000-audit-chain); NULL only until chained at start. */
  seq: number | null;
  /** The previous entry's hash ('' for seq 1). */
  prev_hash: string | null;
  /** HMAC-SHA256 of prev_hash and this entry's fields (services/audit.ts). */
  hash: string | null;
  /** Client IP as the server sees it (TRUST_PROXY), when the entry came from a request. */
  ip: string | null;
  user_agent: string | null;
}

/** Normalised address of a household's latest rev, for the duplicate check. */
export interface HouseholdAddressKeysTable {
  record_id: string;
  rev: number;
  ward_code: string;
  address_key: string;
}

/** The latest revision of each assistance record, flattened (migration 20261124T040000-assistances). */
export interface AssistancesTable {
  record_id: string;
  rev: number;
  ward_code: string;
  group_code: string | null;
  household_id: string | null;
  member_id: string | null;
  outcome: string;
  reason: string | null;
  campaign: string | null;
  place: string | null;
  /** ISO 8601 date-time (UTC) the help was given. */
  helped_at: string;
  birth_year: number;
  teaching_card_id: string | null;
  practice: number;
  voided: number;
  device_id: string;
  received_at: string;
  client_updated_at: string;
}

/** One row per kind of help of the latest revision of each assistance (rewritten on each new rev). */
export interface AssistanceKindsTable {
  record_id: string;
  kind: string;
  ward_code: string;
}

/**
 * Who may write each record (migration 20261203T090000-record-owners): the device that stored
 * its first rev, or the one staff handed it to. `unseen_staff_rev`: a staff change the owning
 * phone has not acknowledged taking (null when none).
 */
export interface RecordOwnersTable {
  record_id: string;
  ward_code: string;
  device_id: string;
  /** When this device became the owner (first rev received, or the transfer). */
  since: string;
  unseen_staff_rev: number | null;
}

/** A resident's personal-data request (migration 20261203T101000-data-subject-requests). */
export interface DataSubjectRequestsTable {
  id: string;
  ward_code: string;
  /** access | correction | erasure | withdraw_consent */
  kind: string;
  /** self | guardian (for a child) | representative */
  requester: string;
  /** Optional, to answer the requester; the only personal value of the register. */
  requester_name: string | null;
  /** How identity was checked: cccd_seen | vneid_level2 | guardian_document | other */
  identity_check: string;
  /** Dates (YYYY-MM-DD, the ward's day). Due dates computed at registration from the ward settings. */
  received_on: string;
  acknowledge_due: string;
  answer_due: string;
  acknowledged_on: string | null;
  answered_on: string | null;
  /** received | acknowledged | answered | rejected */
  status: string;
  /** JSON array of {kind, recordId, memberId?}: ids only. */
  records: string;
  /** The purpose whose consent was withdrawn (survey | assistance), when one was. */
  consent_withdrawn: string | null;
  /** JSON array of {action, at, by, recordIds, fields?}: what was done, ids and field paths only. */
  actions: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/**
 * The indicator tallies kept on ingest (services/indicator-counters.ts): per ward × tổ dân phố ×
 * survey day × age band × sex. Household rows have age_from = -1 and sex = ''.
 */
export interface IndicatorCountersTable {
  ward_code: string;
  group_code: string;
  /** The household's derived survey date (households.surveyed_at). */
  day: string;
  /** Lower age of the band (indicator_counter_wards.age_bounds); -1 on household rows. */
  age_from: number;
  sex: string;
  /** Households counted (household rows) or members counted (member rows). */
  units: number;
  surveyed: number;
  not_home: number;
  refused: number;
  fibre_yes: number;
  fibre_unknown: number;
  skills_p: number;
  skills_pm: number;
  vneid_yes: number;
  vneid_unknown: number;
  vneid_level2_yes: number;
  vneid_level2_unknown: number;
  digital_signature_yes: number;
  digital_signature_unknown: number;
  bank_account_15_yes: number;
  bank_account_15_unknown: number;
  cashless_30d_yes: number;
  cashless_30d_unknown: number;
  ehr_yes: number;
  ehr_unknown: number;
  digital_services_yes: number;
  digital_services_unknown: number;
  online_public_service_yes: number;
  online_public_service_unknown: number;
  smartphone_adult_yes: number;
  smartphone_adult_unknown: number;
}

/** The age bands each ward's counters were counted with (JSON array of lower ages). */
/**
 * The same sums per ward × survey day × age band (no tổ dân phố, no sex): what the city
 * roll-up reads for a whole province (services/indicator-counters.ts keeps both).
 */
export type IndicatorDayCountersTable = Omit<IndicatorCountersTable, 'group_code' | 'sex'>;

export interface IndicatorCounterWardsTable {
  ward_code: string;
  age_bounds: string;
  counted_at: string;
}

export interface Database {
  indicator_counters: IndicatorCountersTable;
  indicator_counter_wards: IndicatorCounterWardsTable;
  indicator_day_counters: IndicatorDayCountersTable;
  data_subject_requests: DataSubjectRequestsTable;
  wards: WardsTable;
  ward_groups: WardGroupsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  devices: DevicesTable;
  enrolment_codes: EnrolmentCodesTable;
  record_revisions: RecordRevisionsTable;
  conflicts: ConflictsTable;
  households: HouseholdsTable;
  members: MembersTable;
  server_meta: ServerMetaTable;
  backup_runs: BackupRunsTable;
  audit_log: AuditLogTable;
  household_address_keys: HouseholdAddressKeysTable;
  assistances: AssistancesTable;
  assistance_kinds: AssistanceKindsTable;
  record_owners: RecordOwnersTable;
}
