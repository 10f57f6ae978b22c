// The phone's PIN in browser tests and benchmarks. Since the lock (issue #12) the app asks for a
// PIN before the first enrolment or survey and on every start; tests written before it (and the
// benchmarks) get `autoPin`: a script the browser runs in every page of the context, which types
// TEST_PIN into the set-up and unlock screens whenever one appears, as a volunteer would. Tests
// of the lock itself use a context without it and the explicit helpers below.
import type { BrowserContext, Page } from 'playwright-core';

export const TEST_PIN = '246813';

/**
 * In-page: fill the lock screens with the PIN as they appear (each screen instance once). A
 * string, not a function: tsx (the benchmarks) would wrap a function's inner closures in a
 * `__name` helper that does not exist in the page.
 */
const TYPE_PIN_WHEN_ASKED = `(() => {
  const pin = __PIN__;
  const done = new WeakSet();
  const setValue = (input, value) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const screens = [['lock-setup', ['lock-new-secret', 'lock-confirm-secret']], ['lock-unlock', ['lock-secret']]];
  const act = () => {
    for (const [screen, inputs] of screens) {
      const section = document.querySelector('[data-testid="' + screen + '"]');
      if (!section || done.has(section)) continue;
      const fields = inputs.map((id) => section.querySelector('[data-testid="' + id + '"]'));
      const submit = section.querySelector('button[type="submit"]');
      if (fields.some((f) => !f) || !submit) continue;
      done.add(section);
      for (const f of fields) setValue(f, pin);
      // After React has taken the typed value.
      setTimeout(() => submit.click(), 0);
    }
  };
  new MutationObserver(act).observe(document, { childList: true, subtree: true });
})();`;

/** Every page of `context` answers the lock screens with `pin` (see the header). */
export async function autoPin(context: BrowserContext, pin = TEST_PIN): Promise<void> {
  await context.addInitScript(TYPE_PIN_WHEN_ASKED.replace('__PIN__', JSON.stringify(pin)));
}

/** The set-up screen: types `pin` twice and waits until the phone is unlocked. */
export async function setPin(page: Page, pin = TEST_PIN): Promise<void> {
  await page.getByTestId('lock-setup').waitFor();
  await page.getByTestId('lock-new-secret').fill(pin);
  await page.getByTestId('lock-confirm-secret').fill(pin);
  await page.getByTestId('lock-setup-submit').click();
  await page.getByTestId('lock-setup').waitFor({ state: 'detached', timeout: 60_000 });
}

/** The unlock screen: types `pin` and submits (the caller waits for what should follow). */
export async function enterPin(page: Page, pin = TEST_PIN): Promise<void> {
  await page.getByTestId('lock-unlock').waitFor();
  await page.getByTestId('lock-secret').fill(pin);
  await page.getByTestId('lock-submit').click();
}
