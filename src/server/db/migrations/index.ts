// The list of migrations, in order. Add a new file and a new line here; never edit or remove
// one: start-up refuses a database whose applied migrations are not a prefix of this list.
import type { Migration } from 'kysely/migration';
import * as initial from './20261124T020000-initial.js';
import * as dashboard from './20261124T030000-dashboard.js';
import * as dashboardVersionIndex from './20261124T031500-dashboard-version-index.js';
import * as assistances from './20261124T040000-assistances.js';
import * as surveyDateFromHistory from './20261203T080000-survey-date-from-history.js';

export const migrations: Record<string, Migration> = {
  '20261124T020000-initial': initial,
  '20261124T030000-dashboard': dashboard,
  '20261124T031500-dashboard-version-index': dashboardVersionIndex,
  '20261124T040000-assistances': assistances,
  '20261203T080000-survey-date-from-history': surveyDateFromHistory,
};
