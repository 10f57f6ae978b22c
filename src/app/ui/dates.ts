// Dates as the volunteer sees them: the phone's local day, and the one way the app writes dates
// and times (src/shared/domain/date-format.ts, shared with the dashboard).
export { localIsoDate as localDate } from '../storage/local-date.js';
export { formatDate, formatDateTime, formatWeek, formatWeekShort, parseDayMonthYear } from '../../shared/domain/date-format.js';
