// Dates as the volunteer sees them (the phone's local day).
export { localIsoDate as localDate } from '../storage/local-date.js';

export function formatDate(isoDate: string, language: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return language === 'en' ? `${y}-${m}-${d}` : `${d}/${m}/${y}`;
}

export function formatTime(iso: string, language: string): string {
  return new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN', {
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
  });
}
