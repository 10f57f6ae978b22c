// The list of migrations, in order. Add a new file and a new line here; never edit or remove
// one: start-up refuses a database whose applied migrations are not a prefix of this list.
import type { Migration } from 'kysely/migration';
import * as initial from './20261124T020000-initial.js';
import * as dashboard from './20261124T030000-dashboard.js';
import * as dashboardVersionIndex from './20261124T031500-dashboard-version-index.js';
import * as assistances from './20261124T040000-assistances.js';
import * as surveyDateFromHistory from './20261203T080000-survey-date-from-history.js';
import * as recordOwners from './20261203T090000-record-owners.js';
import * as stripUnknownRecordKeys from './20261203T093000-strip-unknown-record-keys.js';
import * as enrolmentCodeExpiry from './20261203T093100-enrolment-code-expiry.js';
import * as accountsHardening from './20261203T093200-accounts-hardening.js';
import * as deviceRetirement from './20261203T100000-device-retirement.js';
import * as dataSubjectRequests from './20261203T101000-data-subject-requests.js';
import * as retention from './20261203T102000-retention.js';
import * as auditChain from './20261203T103000-audit-chain.js';
import * as assistanceConsent from './20261203T104000-assistance-consent.js';
import * as deviceSigningKey from './20261203T110000-device-signing-key.js';
import * as backupRuns from './20261203T110500-backup-runs.js';
import * as indicatorCounters from './20261203T111000-indicator-counters.js';
import * as cityStaff from './20261203T112000-city-staff.js';
import * as partitionRecords from './20261203T113000-partition-records.js';
import * as recordVersions from './20261203T114000-record-versions.js';
import * as indicatorDayCounters from './20261204T150000-indicator-day-counters.js';

export const migrations: Record<string, Migration> = {
  '20261124T020000-initial': initial,
  '20261124T030000-dashboard': dashboard,
  '20261124T031500-dashboard-version-index': dashboardVersionIndex,
  '20261124T040000-assistances': assistances,
  '20261203T080000-survey-date-from-history': surveyDateFromHistory,
  '20261203T090000-record-owners': recordOwners,
  '20261203T093000-strip-unknown-record-keys': stripUnknownRecordKeys,
  '20261203T093100-enrolment-code-expiry': enrolmentCodeExpiry,
  '20261203T093200-accounts-hardening': accountsHardening,
  '20261203T100000-device-retirement': deviceRetirement,
  '20261203T101000-data-subject-requests': dataSubjectRequests,
  '20261203T102000-retention': retention,
  '20261203T103000-audit-chain': auditChain,
  '20261203T104000-assistance-consent': assistanceConsent,
  '20261203T110000-device-signing-key': deviceSigningKey,
  '20261203T110500-backup-runs': backupRuns,
  '20261203T111000-indicator-counters': indicatorCounters,
  '20261203T112000-city-staff': cityStaff,
  '20261203T113000-partition-records': partitionRecords,
  '20261203T114000-record-versions': recordVersions,
  '20261204T150000-indicator-day-counters': indicatorDayCounters,
};
