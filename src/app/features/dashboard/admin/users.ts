// Users panel: a new staff account, and a new password for an existing one. The server checks
// the username and password rules and answers in the asked language.
import type { StaffRole } from '../api.js';
import { valid, type Checked, type Status } from './panel.js';

export interface UsersDraft {
  username: string;
  password: string;
  role: StaffRole;
  /** The account whose password is being reset, if any. */
  resetFor?: string;
  newPassword: string;
}

export const EMPTY_USERS_DRAFT: UsersDraft = { username: '', password: '', role: 'ward_staff', newPassword: '' };

export interface NewUser {
  username: string;
  password: string;
  role: StaffRole;
}

export function checkNewUser(draft: UsersDraft): Checked<NewUser> {
  return valid({ username: draft.username.trim(), password: draft.password, role: draft.role });
}

export const userAddedStatus = (_: unknown, user: NewUser): Status => ({ ok: true, text: { key: 'dashboard.admin.userAdded', values: { user: user.username } } });

/** After an account is added: the name and password boxes empty, the role kept for the next one. */
export const afterUserAdded = (draft: UsersDraft): UsersDraft => ({ ...draft, username: '', password: '' });

/** The new password for account `id` (the server checks its length). */
export function checkReset(draft: UsersDraft, id: string): Checked<{ id: string; password: string }> {
  return valid({ id, password: draft.newPassword });
}

export const PASSWORD_RESET: Status = { ok: true, text: { key: 'dashboard.admin.passwordReset' } };

export const afterPasswordReset = (draft: UsersDraft): UsersDraft => {
  const { resetFor: _, ...rest } = draft;
  return { ...rest, newPassword: '' };
};
