import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/server/services/password-policy.js';

describe('password policy', () => {
  it('refuses short, blank, common and derived passwords', () => {
    expect(checkPassword('          ')).toBe('too_short'); // ten spaces, once accepted
    expect(checkPassword(' '.repeat(14))).toBe('too_short');
    expect(checkPassword('abc12345678')).toBe('too_short');
    expect(checkPassword('qwerty123456')).toBe('common'); // in the shipped list
    expect(checkPassword('1q2w3e4r5t6y')).toBe('common');
    expect(checkPassword('Password123456!')).toBe('common'); // a common word with digits tacked on
    expect(checkPassword('anhyeuem@2026')).toBe('common'); // Vietnamese additions
    expect(checkPassword('matkhau 12345678')).toBe('common');
    expect(checkPassword('abcabcabcabc')).toBe('common');
    expect(checkPassword('1234567890123')).toBe('common');
    expect(checkPassword('lan.tran.2026x', 'lan.tran')).toBe('common');
    expect(checkPassword('x'.repeat(201))).toBe('too_long');
  });

  it('accepts a long passphrase, counting Vietnamese letters once', () => {
    expect(checkPassword('mật khẩu thử nghiệm')).toBeNull();
    expect(checkPassword('hoa sen nở bên hồ Tây')).toBeNull();
    expect(checkPassword('ngõ 12 nhà số 7')).toBeNull();
    expect(checkPassword('đườngđườngđ')).toBe('too_short'); // 11 letters, whatever the bytes
  });
});
