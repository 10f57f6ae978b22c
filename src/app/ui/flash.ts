// A one-shot message carried to the next screen ("Đã lưu…", "Máy đã đăng ký…").
//
// Screens read it with useFlash: read during render, cleared once the screen has mounted. A
// render React throws away (a lazy chunk or the strings still loading suspend it, and the render
// is retried) must not use the message up.
import { useEffect, useState } from 'react';

interface FlashEntry {
  text: string;
  testId?: string;
}

let message: FlashEntry | undefined;

/** `testId` names the banner for the screen that shows it (and for browser tests). */
export function setFlash(text: string, testId?: string): void {
  message = { text, ...(testId ? { testId } : {}) };
}

/** The message for this screen, if any; gone once the screen has mounted. */
export function useFlash(): FlashEntry | undefined {
  const [entry] = useState(() => message);
  useEffect(() => {
    if (message === entry) message = undefined;
  }, [entry]);
  return entry;
}
