// A one-shot message carried to the next screen ("Đã lưu…", "Máy đã đăng ký…").
let message: { text: string; testId?: string } | undefined;

/** `testId` names the banner for the screen that shows it (and for browser tests). */
export function setFlash(text: string, testId?: string): void {
  message = { text, ...(testId ? { testId } : {}) };
}

export function takeFlash(): string | undefined {
  return takeFlashEntry()?.text;
}

export function takeFlashEntry(): { text: string; testId?: string } | undefined {
  const m = message;
  message = undefined;
  return m;
}
