import { ApiError } from './api.js';
import { h } from './dom.js';

/** A live region for one page's outcomes: successes as status, failures as alerts with the API's code and message. */
export interface Feedback {
  element: HTMLElement;
  ok(text: string): void;
  /** An API error shows its code and message; a string is shown as it is. */
  fail(error: unknown): void;
}

export function feedback(): Feedback {
  const element = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const show = (role: string, className: string, text: string) => {
    element.replaceChildren(h('p', { role, class: className }, text));
  };
  return {
    element,
    ok: (text) => show('status', 'ok', text),
    fail: (error) => show('alert', 'error', typeof error === 'string' ? error : describe(error)),
  };
}

/** Runs an action, reporting its failure; true when it succeeded. */
export async function attempt(messages: Feedback, action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    messages.fail(error);
    return false;
  }
}

function describe(error: unknown): string {
  return error instanceof ApiError ? `${error.code}: ${error.message}` : `UNEXPECTED: ${String(error)}`;
}
