// A one-shot message carried to the next screen ("Đã lưu…").
let message: string | undefined;

export function setFlash(text: string): void {
  message = text;
}

export function takeFlash(): string | undefined {
  const m = message;
  message = undefined;
  return m;
}
