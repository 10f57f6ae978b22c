// The password policy for ward staff accounts: at least 12 characters (counted as a person
// sees them), at most 200, not whitespace only, not one of the common passwords shipped in
// src/server/data/common-passwords.txt (also with digits or symbols tacked on, or repeated),
// and not the username. Passwords set before this policy keep working once more: the
// sign-in that sees one that fails it makes the session change it first.
import { readFileSync } from 'node:fs';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

export type PasswordProblem = 'too_short' | 'too_long' | 'common';

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL('../data/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  );
  return common;
}

/** Grapheme-ish length: "đ" typed as d + combining mark still counts once. */
function visibleLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

/** null when the password is acceptable; otherwise why not. */
export function checkPassword(password: string, username?: string): PasswordProblem | null {
  const length = visibleLength(password);
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (length < PASSWORD_MIN_LENGTH || password.trim() === '') return 'too_short';
  const lower = password.normalize('NFC').toLowerCase();
  const squeezed = lower.replace(/\s+/g, '');
  const list = commonPasswords();
  if (list.has(lower) || list.has(squeezed)) return 'common';
  // "password123456", "anhyeuem@2026": a common word with digits or symbols around it.
  const core = squeezed.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (core === '' || list.has(core)) return 'common';
  // "abcabcabcabc", "1111111111111": a short piece repeated.
  if (/^(.{1,6})\1+$/.test(squeezed)) return 'common';
  if (username && squeezed.includes(username.toLowerCase())) return 'common';
  return null;
}
